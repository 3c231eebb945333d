import sys, re
# instrsteps.py FILE: per-step wall and caller wait of each parallel section (batch11's section timers) between the
# first snapshot after the "Warmed up" log line and the last snapshot; steps from the decode-step section's calls.
lines = open(sys.argv[1]).read().split('\n')
snaps, cur, warmed = [], None, False
for l in lines:
    if 'Warmed up' in l:
        warmed = True
    if l.startswith('INSTR-SNAP'):
        cur = {}
        snaps.append((int(l.split()[1]), cur, warmed))
    elif l.startswith('INSTR ') and cur is not None:
        m = re.match(r'INSTR (\S+)\s+calls\s+(\d+) wall\s+([\d.]+) ms callerWait\s+([\d.]+) ms callerParts\s+(\d+) parts\s+(\d+)', l)
        cur[m.group(1)] = [float(x) for x in m.groups()[1:]]
first = next(i for i, s in enumerate(snaps) if s[2])
(ta, A, _), (tb, B, _) = snaps[first], snaps[-1]
key = sys.argv[2] if len(sys.argv) > 2 else 'LlamaModel.matmul:'
step = [k for k in B if k.startswith(key) and 'forwardBatch' in k]
steps = B[step[0]][0] - A.get(step[0], [0] * 5)[0]
secs = (tb - ta) / 1e9
print('%.2f s, %d steps (calls of %s), %.2f ms per step' % (secs, steps, step[0], secs * 1e3 / steps))
tot = 0
for k, v in sorted(B.items(), key=lambda kv: -(kv[1][1] - A.get(kv[0], [0] * 5)[1])):
    u = A.get(k, [0] * 5)
    w = (v[1] - u[1]) / steps
    if w < 0.01:
        continue
    tot += w
    print('%-85s calls/step %6.1f  wall %6.2f ms  callerWait %5.2f ms  caller parts %4.0f%%' % (
        k, (v[0] - u[0]) / steps, w, (v[2] - u[2]) / steps, 100 * (v[3] - u[3]) / max(1, (v[4] - u[4]))))
print('sections %.2f ms of %.2f per step; outside sections %.2f' % (tot, secs * 1e3 / steps, secs * 1e3 / steps - tot))
