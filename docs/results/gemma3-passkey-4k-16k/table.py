import re,sys,collections
# usage: passkey-table.py LOG... ; counts retrieved per (length, setting) over the cells of all logs
pat=re.compile(r"passkey (\d+) depth ([\d.]+) trial (\d+) (\S+)(?: b(\d+))?(?: p(\d+))?: (\w+)")
res=collections.defaultdict(dict)
for f in sys.argv[1:]:
    seed=f
    for line in open(f):
        m=pat.search(line)
        if not m: continue
        L,d,t,name,b,p,ok=m.groups()
        key=(name,int(b) if b else 0,int(p) if p else 0)
        res[int(L)][(seed,d,t,key)]=ok=='correct'
for L in sorted(res):
    cells=collections.defaultdict(lambda:[0,0])
    for (seed,d,t,key),ok in res[L].items():
        cells[key][0]+=ok; cells[key][1]+=1
    print(f"## {L} tokens")
    print("| setting | budget | pages | retrieved |")
    print("| --- | --- | --- | --- |")
    for key in sorted(cells, key=lambda k:(k[0]!='dense',k[0],k[2],k[1])):
        n,c=cells[key]
        print(f"| {key[0]} | {key[1] or '-'} | {key[2] or '-'} | {n}/{c} ({100*n/c:.0f}%) |")
