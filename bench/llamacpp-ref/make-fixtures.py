#!/usr/bin/env python3
"""Records llama.cpp's (built from source) tokenizations, greedy continuations and per-token log-likelihoods of a
GGUF model as the engine's golden test fixtures, through llama-ref (llama-ref.c, our own program over llama.h).

    bench/llamacpp-ref/make-fixtures.py tokenizer --model models/gemma-3-270m-q4_k_m.gguf \
        --out core-kernel/src/test/resources/tokenizer/gemma3-270m.jsonl
    bench/llamacpp-ref/make-fixtures.py greedy --model models/gemma-3-270m-q4_k_m.gguf \
        --out core-kernel/src/test/resources/golden/gemma3-270m-q4_k_m.json
    bench/llamacpp-ref/make-fixtures.py nll --model models/gemma-3-270m-q4_k_m.gguf --tokens 640 \
        --out core-kernel/src/test/resources/golden/gemma3-270m-nll-640.json

llama-ref is compiled on first use against the llama.cpp build of bench/llamacpp-src/build.sh (or --llama-dir).
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TOKENIZER_RES = os.path.join(ROOT, "core-kernel/src/test/resources/tokenizer")
LONG_DOCUMENT = os.path.join(TOKENIZER_RES, "long-document.txt")
DEFAULT_LLAMA = os.path.expanduser("~/.cache/quest-llamacpp/llama-cpp-python-0.3.36/vendor/llama.cpp")

# Strings beyond those of the other tokenizer fixtures: Gemma's user-defined runs of newlines, spaces and tabs,
# its control tokens as text and parsed, and its HTML-like user-defined tokens.
EXTRA_STRINGS = [
    ("\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n", False),
    ("spaces" + " " * 40 + "end", False),
    ("\t\t\tthree tabs and\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t more", False),
    ("<start_of_turn>user\nWhat is the capital of France?<end_of_turn>\n<start_of_turn>model\n", False),
    ("<start_of_turn>user\nWhat is the capital of France?<end_of_turn>\n<start_of_turn>model\n", True),
    ("<bos><eos><pad><unk><mask>[multimodal]<start_of_image>", True),
    ("<bos><eos> as plain text [multimodal]", False),
    ("<table><tr><td>cell</td></tr></table> <h1>Title</h1> <b>bold</b>", False),
    ("The year 2024 had 366 days; 1,000,000 is a million.", False),
    ("∀x∈ℝ: x² ≥ 0 — an em dash – an en dash … ellipsis", False),
]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def llama_ref(llama_dir):
    exe = os.path.join(HERE, "target", "llama-ref")
    src = os.path.join(HERE, "llama-ref.c")
    if not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(src):
        os.makedirs(os.path.dirname(exe), exist_ok=True)
        lib = os.path.join(llama_dir, "build", "bin")
        subprocess.run(["gcc", "-O2", "-Wall", "-o", exe, src, "-I" + os.path.join(llama_dir, "include"),
                        "-I" + os.path.join(llama_dir, "ggml", "include"), "-L" + lib, "-lllama", "-lm",
                        "-Wl,-rpath," + lib], check=True)
    return exe


def run(exe, args, stdin):
    return subprocess.run([exe] + args, input=stdin, capture_output=True, text=True, check=True).stdout


def producer(llama_dir):
    commit = subprocess.run(["git", "-C", llama_dir, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    return {"tool": "bench/llamacpp-ref/llama-ref.c over libllama", "llama_cpp_commit": commit or "unknown",
            "llama_cpp_source": os.path.basename(os.path.dirname(os.path.dirname(llama_dir)))}


def fixture_strings():
    seen = []
    for name in ("stories260k.jsonl", "smollm2-135m-instruct.jsonl"):
        with open(os.path.join(TOKENIZER_RES, name), encoding="utf-8", newline="") as f:
            for line in f:
                o = json.loads(line)
                if "text" in o and (o["text"], o["special"]) not in seen:
                    seen.append((o["text"], o["special"]))
    return seen + [s for s in EXTRA_STRINGS if s not in seen]


def tokenize(exe, model, items):
    stdin = "".join(("1 " if special else "0 ") + text.encode("utf-8").hex() + "\n" for text, special in items)
    rows = []
    for line in run(exe, ["tokenize", model], stdin).splitlines():
        ids, dec, dec_special = line.split("\t")
        rows.append(([int(i) for i in ids.split()],
                     bytes.fromhex(dec).decode("utf-8", "replace"), bytes.fromhex(dec_special).decode("utf-8", "replace")))
    return rows


def cmd_tokenizer(a, exe):
    add_bos, bos, eos, eot, *_ = (int(x) for x in run(exe, ["vocab", a.model], "").splitlines()[0].split())
    eog = [int(x) for x in run(exe, ["vocab", a.model], "").splitlines()[1].split()]
    meta = {"generator": "llama.cpp built from source, " + producer(a.llama_dir)["llama_cpp_source"]
            + " (bench/llamacpp-ref/make-fixtures.py tokenizer)", "file": os.path.basename(a.model),
            "sha256": sha256(a.model), "addBos": bool(add_bos), "bos": bos, "eos": eos,
            "eot": None if eot < 0 else eot, "eog": eog}
    items = fixture_strings()
    lines = [json.dumps({"meta": meta}, ensure_ascii=False)]
    for (text, special), (ids, dec, dec_special) in zip(items, tokenize(exe, a.model, items)):
        lines.append(json.dumps({"text": text, "special": special, "ids": ids, "decoded": dec,
                                 "decodedSpecial": dec_special}, ensure_ascii=False))
    with open(os.path.join(TOKENIZER_RES, "long-document.txt"), encoding="utf-8", newline="") as f:
        doc = f.read()
    lines.append(json.dumps({"document": "long-document.txt", "ids": tokenize(exe, a.model, [(doc, False)])[0][0]}))
    write(a.out, "\n".join(lines) + "\n")
    print(f"{len(items)} strings and long-document.txt -> {a.out}", file=sys.stderr)


PLAIN_PROMPTS = [
    ("plain-capital", "The capital of France is"),
    ("plain-fibonacci", "def fibonacci(n):"),
    ("plain-story", "Once upon a time"),
    ("plain-counting", "1, 2, 3, 4, 5,"),
    ("plain-recipe", "To make a cup of tea, first"),
    ("plain-science", "Photosynthesis is the process by which"),
    ("plain-list", "The planets of the solar system are"),
    ("plain-translate", "English: Good morning.\nFrench:"),
    ("plain-code", "import numpy as np\n\n# compute the mean of a list\n"),
]


def prefix_with_tokens(exe, model, text, count):
    """The longest prefix of text, cut before a space, that tokenizes (with BOS) to at most count tokens."""
    cuts = [i for i, ch in enumerate(text) if ch == " "]
    lo, hi, best = 0, len(cuts) - 1, None
    while lo <= hi:  # token counts grow with the prefix
        mid = (lo + hi) // 2
        n = 1 + len(tokenize(exe, model, [(text[:cuts[mid]], False)])[0][0])
        if n <= count:
            best = text[:cuts[mid]]
            lo = mid + 1
        else:
            hi = mid - 1
    if best is None:
        sys.exit(f"no word boundary of {LONG_DOCUMENT} gives at most {count} tokens")
    return best


def cmd_greedy(a, exe):
    add_bos, bos = (int(x) for x in run(exe, ["vocab", a.model], "").split()[:2])
    eog = [int(x) for x in run(exe, ["vocab", a.model], "").splitlines()[1].split()]
    with open(LONG_DOCUMENT, encoding="utf-8", newline="") as f:
        long_text = f.read()
    cases = [{"name": n, "prompt": p, "max_new_tokens": a.new_tokens} for n, p in PLAIN_PROMPTS]
    for count in a.long:  # past the 512-token sliding window, so window layers drop their oldest keys
        cases.append({"name": f"long-{count}", "prompt_source": os.path.relpath(LONG_DOCUMENT, ROOT), "prompt": prefix_with_tokens(exe, a.model, long_text, count),
                      "max_new_tokens": 32})
    for c, (ids, _, _) in zip(cases, tokenize(exe, a.model, [(c["prompt"], False) for c in cases])):
        c["prompt_tokens"] = ([bos] if add_bos else []) + ids
    runs = {}
    other = 1 if a.threads != 1 else 2
    configs = [(a.threads, ""), (a.threads, "fa")] + ([(other, "")] if a.check_threads else [])
    for threads, fa in configs:
        out = []
        for max_new in sorted({c["max_new_tokens"] for c in cases}):  # one llama-ref process per length
            group = [c for c in cases if c["max_new_tokens"] == max_new]
            lines = run(exe, ["greedy", a.model, str(max_new), str(threads)] + ([fa] if fa else []),
                        "".join(" ".join(map(str, c["prompt_tokens"])) + "\n" for c in group)).splitlines()
            for c, line in zip(group, lines):
                ids, gaps = line.split("\t")
                out.append((c["name"], [int(i) for i in ids.split()], [float(g) for g in gaps.split()]))
        by_name = {name: (ids, gaps) for name, ids, gaps in out}
        runs[(threads, fa)] = [by_name[c["name"]] for c in cases]
    if a.check_threads and [r[0] for r in runs[(a.threads, "")]] != [r[0] for r in runs[(other, "")]]:
        sys.exit("llama.cpp's greedy tokens differ between 1 and 2 threads; not writing a fixture")
    for i, c in enumerate(cases):
        ids, gaps = runs[(a.threads, "")][i]
        fa_ids = runs[(a.threads, "fa")][i][0]
        c["generated_tokens"] = ids
        c["stopped_at_eog"] = bool(ids) and ids[-1] in eog
        c["text"] = tokenize_decode(exe, a.model, ids)
        c["top2_logit_gap"] = gaps
        c["generated_tokens_flash_attention"] = fa_ids
        c["flash_attention_on_first_difference"] = next((k for k, (x, y) in enumerate(zip(ids, fa_ids)) if x != y), -1)
    doc = {"model": {"file": os.path.basename(a.model), "sha256": sha256(a.model)},
           "producer": producer(a.llama_dir),
           "settings": {"sampling": "greedy: argmax of the logits, lowest id on a tie", "add_bos": bool(add_bos),
                        "context_size": "prompt + max_new_tokens + 16", "batch_size": 512, "flash_attention": False,
                        "kv_cache_type": "f16", "threads": sorted({a.threads, other}) if a.check_threads else [a.threads]},
           "eog_token_ids": eog, "threads_1_and_2_identical": True if a.check_threads else None, "cases": cases}
    write(a.out, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    print(f"{len(cases)} greedy cases -> {a.out}", file=sys.stderr)


def tokenize_decode(exe, model, ids):
    return bytes.fromhex(run(exe, ["detokenize", model], " ".join(map(str, ids)) + "\n").strip()).decode("utf-8", "replace")


def cmd_nll(a, exe):
    with open(LONG_DOCUMENT, encoding="utf-8", newline="") as f:
        text = f.read()
    add_bos, bos = (int(x) for x in run(exe, ["vocab", a.model], "").split()[:2])
    ids = ([bos] if add_bos else []) + tokenize(exe, a.model, [(text, False)])[0][0]
    while len(ids) < a.tokens:  # repeat the text when it is shorter than asked
        ids += tokenize(exe, a.model, [(" " + text, False)])[0][0]
    ids = ids[:a.tokens]
    nll = [float(x) for x in run(exe, ["nll", a.model, str(a.threads)], " ".join(map(str, ids)) + "\n").split()]
    doc = {"model": {"file": os.path.basename(a.model), "sha256": sha256(a.model)}, "producer": producer(a.llama_dir),
           "text": os.path.relpath(LONG_DOCUMENT, ROOT), "tokens": ids,
           "settings": {"context": "one sequence, every token given all before it", "batch_size": 256,
                        "flash_attention": False, "kv_cache_type": "f16"},
           "nll": [round(x, 5) for x in nll], "mean_nll": sum(nll) / len(nll),
           "perplexity": __import__("math").exp(sum(nll) / len(nll))}
    write(a.out, json.dumps(doc) + "\n")
    print(f"{len(ids)} tokens, perplexity {doc['perplexity']:.4f} -> {a.out}", file=sys.stderr)


def write(path, text):
    if path == "-":
        sys.stdout.write(text)
    else:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=["tokenizer", "greedy", "nll"])
    p.add_argument("--model", required=True)
    p.add_argument("--out", default="-")
    p.add_argument("--llama-dir", default=os.environ.get("QUEST_LLAMACPP_DIR", DEFAULT_LLAMA))
    p.add_argument("--new-tokens", type=int, default=64)
    p.add_argument("--long", type=int, nargs="*", default=[600, 1100])
    p.add_argument("--tokens", type=int, default=1024)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--check-threads", action="store_true",
                   help="greedy: also run with 1 thread and refuse to write the fixture when the tokens differ")
    a = p.parse_args()
    exe = llama_ref(a.llama_dir)
    {"tokenizer": cmd_tokenizer, "greedy": cmd_greedy, "nll": cmd_nll}[a.what](a, exe)


if __name__ == "__main__":
    main()
