# Run from core/src/test/resources/python with CPython 3.11: python3 ../../python/gen_model_fuzz.py
# Generates model-fuzz.jsonl: random scan records run through a transcription of the original's
# Finding/Asset.from_dict + to_dict + _prepare_*_record + _get_*_path (CPython 3.11).
import random, json, hashlib, datetime
random.seed(99)
SEV=["critical","high","medium","low","info"]; ST=["open","resolved","suppressed","false_positive"]
def ts(v):
    # from_dict parses every datetime field: null and "" give None, anything else must parse.
    if v is None or v == "": return None
    if not isinstance(v,str): raise ValueError("not a datetime string")
    return datetime.datetime.fromisoformat(v).isoformat()
def finding(d):
    ft=d.get("finding_type","misconfiguration")
    if not isinstance(ft,str) or ft not in ("misconfiguration","vulnerability"): raise ValueError("ft")
    sv=d.get("severity","medium")
    if not isinstance(sv,str) or sv.lower() not in SEV: raise ValueError("sev")
    st=d.get("status","open")
    if not isinstance(st,str) or st.lower() not in ST: raise ValueError("st")
    i=d["id"]
    if not isinstance(i,str): raise ValueError("id")
    return {"id":i,"asset_id":d.get("asset_id",""),"finding_type":ft,"severity":sv.lower(),"status":st.lower(),
      "title":d.get("title",""),"description":d.get("description",""),"first_seen":ts(d.get("first_seen")),"last_seen":ts(d.get("last_seen")),
      "rule_id":d.get("rule_id"),"resource_path":d.get("resource_path"),"expected_value":d.get("expected_value"),"actual_value":d.get("actual_value"),
      "cve_id":d.get("cve_id"),"cvss_score":d.get("cvss_score"),"package_name":d.get("package_name"),"installed_version":d.get("installed_version"),
      "fixed_version":d.get("fixed_version"),"compliance_frameworks":d.get("compliance_frameworks",[]),"remediation_guidance":d.get("remediation_guidance","")}
def asset(d):
    i=d["id"]
    if not isinstance(i,str): raise ValueError("id")
    return {"id":i,"cloud_provider":d.get("cloud_provider","aws"),"account_id":d.get("account_id",""),"region":d.get("region",""),
      "resource_type":d.get("resource_type",""),"name":d.get("name",""),"tags":d.get("tags",{}),"network_exposure":d.get("network_exposure","internal"),
      "created_at":ts(d.get("created_at")),"last_seen":ts(d.get("last_seen")),"raw_config":d.get("raw_config",{})}
def rstr():
    pool=["plain","é","\U0001f525","\ue000","\uffff","\x7f","\x00","\t","\u2028",'"',"\\","/",":","中","\ud7ff","a b"]
    return "".join(random.choice(pool) for _ in range(random.randint(0,4)))
def rval(depth=0):
    r=random.random()
    if r<0.2: return rstr()
    if r<0.3: return random.randint(-10**random.randint(1,25), 10**random.randint(1,25))
    if r<0.45: return random.choice([0.1, 1e16, 1e-7, -0.0, 2.5, 1e300, 123.456, random.random()*10**random.randint(-10,20), float(random.randint(0,100))])
    if r<0.5: return random.choice([True,False,None])
    if r<0.6 and depth<3: return [rval(depth+1) for _ in range(random.randint(0,3))]
    if r<0.7 and depth<3: return {rstr() or "k": rval(depth+1) for _ in range(random.randint(0,3))}
    return rstr()
TS=["2024-01-15T10:30:00Z","2024-06-01","2024-01-15T00:00:00.5+00:00","bogus","",None,17,"20240115T1030+0530","2024-W03-1","2024-02-30","2024-01-15 10:30:00.1234567-08:00"]
FK=["asset_id","title","description","rule_id","resource_path","expected_value","actual_value","cve_id","cvss_score","package_name","installed_version","fixed_version","compliance_frameworks","remediation_guidance"]
AK=["cloud_provider","account_id","region","resource_type","name","tags","network_exposure","raw_config"]
rows=[]
for n in range(400):
    kind="finding" if n%3 else "asset"
    d={}
    r=random.random()
    d["id"]= (f"id-{n}-"+random.choice(["x","é","\U0001f525","a:b","p/q","x y"])) if r>0.05 else random.choice([5,None,["x"]])
    if r>0.97: del d["id"]
    keys=FK if kind=="finding" else AK
    for k in keys:
        if random.random()<0.7: d[k]=rval()
    for k in (["first_seen","last_seen"] if kind=="finding" else ["created_at","last_seen"]):
        if random.random()<0.8: d[k]=random.choice(TS)
    if kind=="finding":
        if random.random()<0.7: d["severity"]=random.choice(SEV+["HIGH","Medium","urgent",None,3])
        if random.random()<0.7: d["status"]=random.choice(ST+["RESOLVED","False_Positive","closed",None])
        if random.random()<0.7: d["finding_type"]=random.choice(["misconfiguration","vulnerability","Vulnerability",None])
    if random.random()<0.2: d["unknown_"+rstr()]=rval()
    try:
        rec=finding(d) if kind=="finding" else asset(d)
    except (ValueError, KeyError):
        rows.append({"kind":kind,"input":d,"error":True}); continue
    rec["_source_account"]="123456789012"; rec["_source_provider"]="aws"
    rec["_checksum"]=hashlib.sha256(json.dumps({k:v for k,v in rec.items() if not k.startswith("_")},sort_keys=True,default=str).encode()).hexdigest()
    i=rec["id"]
    if kind=="finding": path=f"aggregated/findings/{hashlib.md5(i.encode()).hexdigest()[:4]}/123456789012/{i}.json"
    else: path=f"aggregated/assets/{hashlib.md5(i.encode()).hexdigest()[:4]}/123456789012/{i.replace('/','_').replace(':','_')}.json"
    rows.append({"kind":kind,"input":d,"path":path,"record":rec,"canonical":json.dumps(rec,sort_keys=True)})
with open("model-fuzz.jsonl","w") as f:
    for r in rows: f.write(json.dumps(r)+"\n")
print(len(rows), sum(1 for r in rows if r.get("error")))
