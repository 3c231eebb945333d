import re,sys,collections
rows=collections.OrderedDict(); cells=collections.defaultdict(dict)
for seed in ('2024','7'):
    try: lines=open(f'seed{seed}/log.txt').read().splitlines()
    except FileNotFoundError: continue
    for l in lines:
        m=re.search(r'passkey 32752 depth ([0-9.]+) trial 0 (\S+) b(\d+) p(\d+): (correct|wrong|\w+)',l)
        if m:
            d,name,b,p,res=m.groups()
            key=f'{name} b{b} p{p}'
            rows[key]=1
            cells[key][(seed,d)]=res=='correct'
order=[(s,d) for s in ('2024','7') for d in ('0.95','0.85','0.75','0.65','0.55','0.45','0.35','0.25','0.15','0.05')]
done=[c for c in order if all(c in cells[k] for k in rows)]
print('trials complete for every setting:',len(done))
for k in rows:
    got=[cells[k][c] for c in done]
    print(k, f'{sum(got)}/{len(got)}', ' '.join(f"{s}:{d}:{'y' if cells[k][(s,d)] else 'N'}" for (s,d) in done))
names={'dense b0 p16':'dense','quest b2048 p8':'Quest, bounds alone','quest-rerank4 b2048 p8':'`rerank-factor 4` (the default)','quest-rerank16-head-relative b2048 p8':'`rerank-factor 16`, head-relative, pages of 8','quest-rerank8-head-relative b2048 p8':'`rerank-factor 8`, head-relative, pages of 8','quest-rerank16-head-relative b2048 p16':'`rerank-factor 16`, head-relative, pages of 16','quest-rerank8-head-relative b2048 p16':'`rerank-factor 8`, head-relative, pages of 16'}
for seed in ('2024','7'):
    ds=[d for (s,d) in done if s==seed]
    if not ds: continue
    print(); print(f'| seed {seed} | '+' | '.join(ds)+' | retrieved |'); print('| --- '*(len(ds)+2)+'|')
    for k in rows:
        got=[cells[k][(seed,d)] for d in ds]
        print(f'| {names.get(k,k)} | '+' | '.join('yes' if g else 'no' for g in got)+f' | {sum(got)}/{len(got)} |')
