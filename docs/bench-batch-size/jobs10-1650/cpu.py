import sys, re, datetime, bisect
# CPU seconds of the bench JVM during each timed run: samples "epoch cputicks", log lines "HH:MM:SS ... bench TASK ... batch-size N: R X in S s"
for out in sys.argv[1:]:
    samples = [tuple(map(float, l.split())) for l in open(out + '.cpu') if len(l.split()) == 2]
    ts = [s[0] for s in samples]
    day = datetime.datetime.utcfromtimestamp(ts[0]).date()
    def cpu_at(t):
        i = bisect.bisect_left(ts, t)
        i = min(max(i, 1), len(ts) - 1)
        (t0, c0), (t1, c1) = samples[i - 1], samples[i]
        return c0 + (c1 - c0) * (t - t0) / (t1 - t0) if t1 > t0 else c1
    print(out)
    for l in open(out + '.log'):
        m = re.match(r'(\d\d):(\d\d):(\d\d) INFO  BenchJob: bench (\w+) .* batch-size (\d+): (\d+) (\w+) in ([\d.]+) s', l)
        if not m: continue
        h, mi, s = map(int, m.group(1, 2, 3))
        end = datetime.datetime(day.year, day.month, day.day, h, mi, s, tzinfo=datetime.timezone.utc).timestamp() + 0.5
        wall = float(m.group(8)); start = end - wall
        cpu = (cpu_at(end) - cpu_at(start)) / 100.0
        print(f"  {m.group(4):10s} b{m.group(5)}: wall {wall:6.2f} s  JVM CPU {cpu:6.1f} s  ({int(m.group(6))/cpu:.3f} {m.group(7)} per CPU-s)")
