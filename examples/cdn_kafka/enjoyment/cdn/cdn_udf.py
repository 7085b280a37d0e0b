import re
import json
from pyflink.table import DataTypes
from pyflink.table.udf import udf

# sluice example: the seed's ip_to_province queried a web service (whois.pconline.com.cn) per row.
# Here its body is replaced by a deterministic local lookup table (first two octets -> province), so
# the job's output is reproducible; the fallback "UnKnow" is the seed's own.
IP_PREFIX_TO_PROVINCE = {
    "27.184": "河北省",
    "27.186": "河北省",
    "36.110": "北京市",
    "36.112": "北京市",
    "58.60": "广东省",
    "58.61": "广东省",
    "61.135": "北京市",
    "61.140": "广东省",
    "101.226": "上海市",
    "101.227": "上海市",
    "112.80": "江苏省",
    "112.85": "江苏省",
    "183.60": "广东省",
    "202.96": "广东省",
}


@udf(input_types=[DataTypes.STRING()], result_type=DataTypes.STRING())
def ip_to_province(ip):
   """
   format:
       {
       'ip': '27.184.139.25',
       'pro': '河北省',
       'proCode': '130000',
       'city': '石家庄市',
       'cityCode': '130100',
       'region': '灵寿县',
       'regionCode': '130126',
       'addr': '河北省石家庄市灵寿县 电信',
       'regionNames': '',
       'err': ''
       }
   """
   try:
       prefix = re.match(r"^(\d+\.\d+)\.", ip).group(1)
       geo_data = json.loads(json.dumps({'pro': IP_PREFIX_TO_PROVINCE.get(prefix, ''), 'err': 'UnKnow'}))
       if geo_data['pro']:
           return geo_data['pro']
       else:
           return geo_data['err']
   except:
       return "UnKnow"
