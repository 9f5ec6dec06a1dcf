# Run from core/src/test/resources/python with CPython 3.11: writes fromisoformat.jsonl
# ({"in": s, "out": datetime.fromisoformat(s).isoformat() or null if it raises}).
import random, datetime, json
random.seed(11)
base=["2024-01-15T10:30:00","2024-01-15T10:30:00Z","2024-01-15T10:30:00.5+00:00","2024-01-15 10:30:00.123456-08:00",
"20240115T103000","2024-W03-1","2024W031T10","2024-W03","2024W03","2024-W53-1","2020-W53-7","2015-W53-1","2024-02-29","2023-02-29",
"2024-01-15T10:30:00+05:30:15.5","2024-01-15T10:30:00.1234567","2024-01-15T10:30:00,5","2024-01-15T10","2024-01-15T1030",
"2024-01-15T10:30:00+0530","2024-01-15T10:30:00+05","2024-01-15T10:30:00-00:00","2024-01-15T24:00:00","2024-01-15T23:59:60",
"2024-01-15T10:30:00+24:00","2024-01-15T10:30:00+23:59:59.999999","2024-01-15T10:30:00-23:59","0000-01-01","0001-01-01","9999-12-31T23:59:59.999999",
"2024-01-15T10:30:00.","2024-01-15T10:30:.5","2024-01-15T10:30:+05:00","2024-01-15T10:30:00:00","2024-01-15T10:30:00:5","2024-01-15T1030001",
"2024-01-15T10:30:00.+05:00","2024-01-15T","2024-01-15","2024-01","2024-1-15","2024-01-15T10:30:00 ","2024-01-15T10:30:00+05:75",
"2024-01-15é10:30","2024-01-15\U0001f525 10:30","2024-01-15\U0001f52510:30","2024-01-15T10:30:00Z+01:00","2024-01-15T10:30:00z",
"2024-01-15T10:30:00.000000","2024-01-15T10:30:00.000000+00:00","2024-01-15T10:30:00.000001Z","2024-01-15T00:00:00.5-00:00:00.5",
"2024-01-15t10:30","2024-0115","202401-15","2024-01-15T10:30:00+05:30:","2024-01-15T10:30:00-","2024-01-15T10:30:00+5","+2024-01-15",
"２０２４-01-15","2024-01-15T１0:30","2024-01-15T10:30:00\x00","2024-01-15\ud80010:30","2024-01-15T10:30\ud800","2024-W01-0","2024-W00-1","2024-W1","2024W0310",
"2024-W03-1T10:00Z","2024W03110:00","2024-01-15T10:30:00.123Z","2024-01-15T10:30:00,123456789+01:00"]
alphabet="0123456789-:T+Z.,W 0123456789"
def mutate(s):
    s=list(s)
    for _ in range(random.randint(1,3)):
        op=random.random()
        i=random.randrange(len(s)+1)
        if op<0.4 and s: s[min(i,len(s)-1)]=random.choice(alphabet)
        elif op<0.7: s.insert(i,random.choice(alphabet))
        elif s: del s[min(i,len(s)-1)]
    return ''.join(s)
inputs=list(base)
for _ in range(6000):
    inputs.append(mutate(random.choice(base[:25])))
seen=set(); rows=[]
for s in inputs:
    if s in seen: continue
    seen.add(s)
    try: out=datetime.datetime.fromisoformat(s).isoformat()
    except Exception: out=None
    rows.append({"in":s,"out":out})
# Second pass: digit-level mutations of the accepted inputs, to exercise the valid paths.
random.seed(12)
base2=[r['in'] for r in rows if r['out']]
def mut(s):
    s=list(s)
    for _ in range(random.randint(1,2)):
        i=random.randrange(len(s))
        r=random.random()
        if r<0.6 and s[i].isdigit(): s[i]=random.choice("0123456789")
        elif r<0.8: s.insert(i, random.choice("0123456789:.,+-Z"))
        else: del s[i]
    return ''.join(s)
for _ in range(4000):
    s=mut(random.choice(base2))
    if s in seen or len(s)==0: continue
    seen.add(s)
    try: out=datetime.datetime.fromisoformat(s).isoformat()
    except Exception: out=None
    rows.append({"in":s,"out":out})
with open('fromisoformat.jsonl','w') as f:
    for r in rows: f.write(json.dumps(r)+"\n")
