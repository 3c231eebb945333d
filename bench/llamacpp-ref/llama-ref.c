/*
 * llama-ref: reference outputs of llama.cpp built from source (bench/llamacpp-src/build.sh), for the engine's
 * golden fixtures. Our own program: it only calls llama.h's public API. Build and use through make-fixtures.py.
 *
 *   llama-ref vocab MODEL             prints "addBos bos eos eot" and then the end-of-generation ids on a second line
 *   llama-ref tokenize MODEL          stdin lines "<special 0|1> <text as hex UTF-8>"; prints per line
 *                                     "<ids, space separated>\t<hex detokenized>\t<hex detokenized, specials rendered>"
 *                                     (llama_tokenize with add_special=false, as common_tokenize does for prompts)
 *   llama-ref detokenize MODEL        stdin lines of ids; prints each line's text (specials rendered) as hex UTF-8
 *   llama-ref greedy MODEL N THREADS [fa]  stdin lines of prompt ids; prints per line the greedy (argmax, lowest id on a
 *                                     tie) continuation of up to N ids, stopping after an end-of-generation id, then
 *                                     "\t" and each step's logit gap between the best and second-best token
 *   llama-ref nll MODEL THREADS       stdin: one line of ids; prints the negative log-likelihood (natural log, full
 *                                     vocabulary softmax in double) of every id after the first, each given all ids
 *                                     before it, one per line
 * Every run: one sequence, flash attention off (greedy with "fa": on), KV cache f16, context just large enough, batch 512 (nll: 256).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "llama.h"

static void quiet(enum ggml_log_level level, const char *text, void *user) {
    (void)level;
    (void)text;
    (void)user;
}

static void die(const char *msg) {
    fprintf(stderr, "llama-ref: %s\n", msg);
    exit(1);
}

static struct llama_model *load(const char *path) {
    struct llama_model_params mp = llama_model_default_params();
    mp.n_gpu_layers = 0;
    struct llama_model *m = llama_model_load_from_file(path, mp);
    if (m == NULL) die("cannot load the model");
    return m;
}

static int flash_attention = 0;

static struct llama_context *context(struct llama_model *m, int n_ctx, int n_batch, int threads) {
    struct llama_context_params cp = llama_context_default_params();
    cp.n_ctx = (uint32_t)n_ctx;
    cp.n_batch = (uint32_t)n_batch;
    cp.n_ubatch = (uint32_t)n_batch;
    cp.n_seq_max = 1;
    cp.n_threads = threads;
    cp.n_threads_batch = threads;
    cp.flash_attn_type = flash_attention ? LLAMA_FLASH_ATTN_TYPE_ENABLED : LLAMA_FLASH_ATTN_TYPE_DISABLED;
    cp.no_perf = true;
    struct llama_context *c = llama_init_from_model(m, cp);
    if (c == NULL) die("cannot create a context");
    return c;
}

static int read_ids(char *line, llama_token *ids, int max) {
    int n = 0;
    for (char *tok = strtok(line, " \t\r\n"); tok != NULL && n < max; tok = strtok(NULL, " \t\r\n")) ids[n++] = atoi(tok);
    return n;
}

static void print_hex(const char *s, int len) {
    for (int i = 0; i < len; i++) printf("%02x", (unsigned char)s[i]);
}

static int cmd_vocab(const char *path) {
    struct llama_model *m = load(path);
    const struct llama_vocab *v = llama_model_get_vocab(m);
    printf("%d %d %d %d\n", llama_vocab_get_add_bos(v) ? 1 : 0, llama_vocab_bos(v), llama_vocab_eos(v), llama_vocab_eot(v));
    int first = 1;
    for (int i = 0; i < llama_vocab_n_tokens(v); i++) {
        if (llama_vocab_is_eog(v, i)) {
            printf(first ? "%d" : " %d", i);
            first = 0;
        }
    }
    printf("\n");
    llama_model_free(m);
    return 0;
}

static int cmd_tokenize(const char *path) {
    struct llama_model *m = load(path);
    const struct llama_vocab *v = llama_model_get_vocab(m);
    static char line[1 << 22], text[1 << 21], out[1 << 22];
    static llama_token ids[1 << 20];
    while (fgets(line, sizeof line, stdin) != NULL) {
        int special = line[0] == '1';
        int len = 0;
        for (char *p = line + 2; p[0] && p[1] && p[0] != '\n'; p += 2) {
            unsigned int b;
            sscanf(p, "%2x", &b);
            text[len++] = (char)b;
        }
        int n = llama_tokenize(v, text, len, ids, 1 << 20, false, special);
        if (n < 0) die("tokenize: too many tokens");
        for (int i = 0; i < n; i++) printf(i ? " %d" : "%d", ids[i]);
        for (int render = 0; render < 2; render++) {
            int k = llama_detokenize(v, ids, n, out, sizeof out, false, render);
            if (k < 0) die("detokenize: text too long");
            printf("\t");
            print_hex(out, k);
        }
        printf("\n");
        fflush(stdout);
    }
    llama_model_free(m);
    return 0;
}

static int cmd_detokenize(const char *path) {
    struct llama_model *m = load(path);
    const struct llama_vocab *v = llama_model_get_vocab(m);
    static char line[1 << 20], out[1 << 20];
    static llama_token ids[1 << 16];
    while (fgets(line, sizeof line, stdin) != NULL) {
        int n = read_ids(line, ids, 1 << 16);
        int k = llama_detokenize(v, ids, n, out, sizeof out, false, true);
        if (k < 0) die("detokenize: text too long");
        print_hex(out, k);
        printf("\n");
    }
    llama_model_free(m);
    return 0;
}

static int cmd_greedy(const char *path, int max_new, int threads) {
    struct llama_model *m = load(path);
    const struct llama_vocab *v = llama_model_get_vocab(m);
    int n_vocab = llama_vocab_n_tokens(v);
    static char line[1 << 20];
    static llama_token ids[1 << 16];
    while (fgets(line, sizeof line, stdin) != NULL) {
        int n = read_ids(line, ids, 1 << 16);
        if (n == 0) die("greedy: empty prompt");
        struct llama_context *c = context(m, n + max_new + 16, 512, threads);
        float gaps[4096];
        int gen = 0;
        for (int off = 0; off < n; off += 512) {
            int k = n - off < 512 ? n - off : 512;
            if (llama_decode(c, llama_batch_get_one(ids + off, k)) != 0) die("greedy: decode failed");
        }
        while (gen < max_new) {
            const float *logits = llama_get_logits_ith(c, -1);
            int best = 0, second = -1;
            for (int i = 1; i < n_vocab; i++) {
                if (logits[i] > logits[best]) { second = best; best = i; }
                else if (second < 0 || logits[i] > logits[second]) second = i;
            }
            gaps[gen] = logits[best] - logits[second];
            printf(gen ? " %d" : "%d", best);
            gen++;
            if (llama_vocab_is_eog(v, best)) break;
            llama_token t = best;
            if (llama_decode(c, llama_batch_get_one(&t, 1)) != 0) die("greedy: decode failed");
        }
        printf("\t");
        for (int i = 0; i < gen; i++) printf(i ? " %.4g" : "%.4g", gaps[i]);
        printf("\n");
        fflush(stdout);
        llama_free(c);
    }
    llama_model_free(m);
    return 0;
}

static int cmd_nll(const char *path, int threads) {
    struct llama_model *m = load(path);
    int n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(m));
    static char line[1 << 23];
    static llama_token ids[1 << 20];
    if (fgets(line, sizeof line, stdin) == NULL) die("nll: no ids on stdin");
    int n = read_ids(line, ids, 1 << 20);
    const int nb = 256;
    struct llama_context *c = context(m, n + 16, nb, threads);
    struct llama_batch batch = llama_batch_init(nb, 0, 1);
    for (int off = 0; off < n - 1; off += nb) {
        int k = n - 1 - off < nb ? n - 1 - off : nb;
        batch.n_tokens = k;
        for (int i = 0; i < k; i++) {
            batch.token[i] = ids[off + i];
            batch.pos[i] = off + i;
            batch.n_seq_id[i] = 1;
            batch.seq_id[i][0] = 0;
            batch.logits[i] = 1;
        }
        if (llama_decode(c, batch) != 0) die("nll: decode failed");
        for (int i = 0; i < k; i++) {
            const float *lg = llama_get_logits_ith(c, i);
            double max = lg[0], sum = 0;
            for (int j = 1; j < n_vocab; j++) if (lg[j] > max) max = lg[j];
            for (int j = 0; j < n_vocab; j++) sum += exp((double)lg[j] - max);
            printf("%.6f\n", max + log(sum) - lg[ids[off + i + 1]]);
        }
    }
    llama_batch_free(batch);
    llama_free(c);
    llama_model_free(m);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) die("usage: llama-ref vocab MODEL | tokenize MODEL | detokenize MODEL | greedy MODEL N THREADS [fa] | nll MODEL THREADS");
    llama_log_set(quiet, NULL);
    llama_backend_init();
    if (strcmp(argv[1], "vocab") == 0) return cmd_vocab(argv[2]);
    if (strcmp(argv[1], "detokenize") == 0) return cmd_detokenize(argv[2]);
    if (strcmp(argv[1], "tokenize") == 0) return cmd_tokenize(argv[2]);
    if (strcmp(argv[1], "greedy") == 0 && argc == 6 && strcmp(argv[5], "fa") == 0) flash_attention = 1;
    if (strcmp(argv[1], "greedy") == 0 && (argc == 5 || flash_attention)) return cmd_greedy(argv[2], atoi(argv[3]), atoi(argv[4]));
    if (strcmp(argv[1], "nll") == 0 && argc == 4) return cmd_nll(argv[2], atoi(argv[3]));
    die("usage: llama-ref vocab MODEL | tokenize MODEL | detokenize MODEL | greedy MODEL N THREADS [fa] | nll MODEL THREADS");
    return 1;
}
