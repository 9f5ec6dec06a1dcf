# Run from core/src/test/resources/python with CPython 3.11: writes float-repr.tsv
# (IEEE bits in hex, json.dumps of the double).
import random, struct, json
random.seed(20261125)
def bits(d): return struct.unpack('<q', struct.pack('<d', d))[0]
vals=[]
for e in range(-1074, 1024):
    vals.append(2.0**e)
    # neighbours of powers of two: where the lower gap is half the upper one
    b=bits(2.0**e)
    for k in (-1,1):
        vals.append(struct.unpack('<d', struct.pack('<q', b+k))[0])
for _ in range(3000):
    b=random.getrandbits(63)
    d=struct.unpack('<d', struct.pack('<q', b))[0]
    if d==d and d not in (float('inf'),): vals.append(d if random.random()<0.5 else -d)
for _ in range(1000):
    vals.append(random.uniform(-1e6,1e6)); vals.append(round(random.uniform(0,100),random.randint(0,6)))
for p in range(-30,30):
    vals.append(10.0**p); vals.append(1.5*10.0**p); vals.append(9.999999999999999*10.0**p)
vals += [5e-324, 1.7976931348623157e+308, 0.1, 1e-07, 1e+16, 3.3333333333333335, 123456789.125, -0.0, 0.0, 1e15, 9999999999999998.0, 1e22, 1e23, 2**53, 2**53+2.0]
seen=set()
with open('float-repr.tsv','w') as f:
    for v in vals:
        b=bits(v)
        if b in seen: continue
        seen.add(b)
        f.write('%016x\t%s\n'%(b & 0xffffffffffffffff, json.dumps(v)))
