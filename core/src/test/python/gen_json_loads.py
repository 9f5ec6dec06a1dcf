# Run from core/src/test/resources/python with CPython 3.11: writes json-loads.jsonl
# ({"in": text, "out": json.dumps(json.loads(text), sort_keys=True) or null if it raises}).
import random, json
random.seed(7)
base=['{"a": 1, "b": [true, false, null], "c": "x\\u00e9\\ud83d\\udd25"}','[1.5, -0, 1e400, -1E-5, 0.1, 12345678901234567890]',
'{"k": "\\ud800 lone", "k": 2}','  {"n": NaN, "i": Infinity, "m": -Infinity}  ','"tab\\tnl\\n"','[{"x": {"y": [[], {}]}}]',
'{"esc": "\\"\\\\\\/\\b\\f\\n\\r\\t"}','123','-0.0','1.0e+2','{"a":1}','[1,2,3]','{"\\u00e9": "\\u0041"}']
alphabet='{}[],:"\\ 0123456789.eE+-truefalsnNIy\t\n\x01\x7fé'
def mutate(s):
    s=list(s)
    for _ in range(random.randint(1,3)):
        i=random.randrange(len(s)+1); r=random.random()
        if r<0.4 and s: s[min(i,len(s)-1)]=random.choice(alphabet)
        elif r<0.7: s.insert(i,random.choice(alphabet))
        elif s: del s[min(i,len(s)-1)]
    return ''.join(s)
seen=set(); rows=[]
inputs=base+[mutate(random.choice(base)) for _ in range(5000)]
for s in inputs:
    if s in seen: continue
    seen.add(s)
    try: out=json.dumps(json.loads(s), sort_keys=True)
    except Exception: out=None
    rows.append({"in":s,"out":out})
with open('json-loads.jsonl','w') as f:
    for r in rows: f.write(json.dumps(r)+"\n")
