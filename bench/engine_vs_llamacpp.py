#!/usr/bin/env python3
"""Prefill and decode tokens/s of this engine and of llama.cpp, measured side by side in one run.

Runs are interleaved (ours, llama.cpp, ours, llama.cpp, ...) so that load on a shared machine hits both alike;
each figure is the median over the repeats, and the table gives ratios ours / llama.cpp.

    bench/engine_vs_llamacpp.py --threads 2 --contexts 512 --decode-tokens 64 --repeats 3
    bench/engine_vs_llamacpp.py --contexts 8000 --configs dense,quest:1024 --no-llamacpp

Needs the project built (mvn -B -DskipTests package) and, for llama.cpp, `npm ci` in bench/llamacpp.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADD_OPENS = ["--add-opens=java.base/java.nio=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"]


def classpath():
    cp_file = os.path.join(ROOT, "jobs", "target", "classpath-runtime.txt")
    kernel = os.path.join(ROOT, "core-kernel", "target", "classes")
    if not os.path.isdir(kernel) or not os.path.isfile(cp_file):
        sys.exit("build the project first: mvn -B -DskipTests package")
    with open(cp_file) as f:
        return kernel + os.pathsep + f.read().strip()


def config_of(row):
    return "dense" if row["attention"] == "dense" else f"quest:{row['token_budget']}"


def run_ours(args, configs):
    """One JVM: per context one prefill, then every setting decodes from it (EngineBench.compare)."""
    cmd = ["java", *ADD_OPENS, "-cp", classpath(), "dev.questspark.engine.EngineBench", args.model,
           str(args.threads), args.contexts, str(args.decode_tokens), ",".join(configs)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def run_llamacpp(args):
    script = os.path.join(ROOT, "bench", "llamacpp", "bench.mjs")
    cmd = ["node", script, "--model", args.model, "--threads", str(args.threads), "--contexts", args.contexts,
           "--decode-tokens", str(args.decode_tokens), "--repeats", "1", "--json"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode == 2:
        print("llama.cpp skipped: " + (proc.stdout + proc.stderr).strip().splitlines()[-1], file=sys.stderr)
        return None
    proc.check_returncode()
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return [r for r in rows if r.get("type") == "run"]


def median(rows, context, key):
    values = [r[key] for r in rows if r["context"] == context]
    return statistics.median(values) if values else float("nan")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=os.path.join(ROOT, "models", "SmolLM2-135M-Instruct.Q4_1.gguf"))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--contexts", default="512")
    p.add_argument("--decode-tokens", type=int, default=64)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--configs", default="dense", help="ours: dense and/or quest:BUDGET, comma-separated")
    p.add_argument("--no-llamacpp", action="store_true")
    args = p.parse_args()
    if not os.path.isfile(args.model):
        sys.exit(f"model {args.model} not found: run bin/fetch-model or pass --model")
    configs = args.configs.split(",")
    ours = {c: [] for c in configs}
    peer = []
    for _ in range(args.repeats):
        for row in run_ours(args, configs):
            ours[config_of(row)].append(row)
        if not args.no_llamacpp and peer is not None:
            got = run_llamacpp(args)
            peer = None if got is None else peer + got
    contexts = [int(c) for c in args.contexts.split(",")]
    print(f"threads {args.threads}, {args.decode_tokens} decode tokens, median of {args.repeats} interleaved runs\n")
    head = "| context | engine | prefill tok/s | decode tok/s | decode ms/token | prefill vs llama.cpp | decode vs llama.cpp |"
    print(head)
    print("|" + " --- |" * (head.count("|") - 1))
    for ctx in contexts:
        lp = median(peer, ctx, "prefill_tokens_per_s") if peer else float("nan")
        ld = median(peer, ctx, "decode_tokens_per_s") if peer else float("nan")
        if peer:
            print(f"| {ctx} | llama.cpp | {lp:.1f} | {ld:.1f} | {1000 / ld:.2f} | 1.00x | 1.00x |")
        for c in configs:
            op = median(ours[c], ctx, "prefill_tokens_per_s")
            od = median(ours[c], ctx, "decode_tokens_per_s")
            rp = f"{op / lp:.2f}x" if peer else "n/a"
            rd = f"{od / ld:.2f}x" if peer else "n/a"
            print(f"| {ctx} | quest-spark {c} | {op:.1f} | {od:.1f} | {1000 / od:.2f} | {rp} | {rd} |")
    if len(configs) > 1:
        base = configs[0]
        for c in configs[1:]:
            for ctx in contexts:
                ratio = median(ours[c], ctx, "decode_tokens_per_s") / median(ours[base], ctx, "decode_tokens_per_s")
                print(f"\ndecode speed-up {c} over {base} at context {ctx}: {ratio:.2f}x")


if __name__ == "__main__":
    main()
