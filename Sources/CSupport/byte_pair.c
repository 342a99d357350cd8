// Finding a search's needles in the raw bytes of the store's files, ASCII
// letters folded: the scan every search runs over every byte of the store.
// Written here, not in Swift, for one reason: the machine's 32-byte vector
// instructions are chosen when the process starts, which Swift cannot do,
// and they halve the time of a search whose files are in memory.
//
// Each block of bytes is compared with two of the needle's bytes, each
// where it would stand if the needle started there; only where both agree
// is the whole needle compared. The two are the needle's rarest bytes in
// the text a store holds, so that a common word's letters ("u" and "n" of
// "undefined function") do not stop the scan at every other word. A letter
// folds by setting its 0x20 bit, which maps no other byte onto a lower-case
// letter.

#include "CSupport.h"

static inline unsigned char fold(unsigned char byte) {
    return (byte >= 'A' && byte <= 'Z') ? (unsigned char)(byte | 0x20) : byte;
}

static inline int is_letter(unsigned char byte) {
    unsigned char lower = (unsigned char)(byte | 0x20);
    return lower >= 'a' && lower <= 'z';
}

// The bytes of a store's text, most common first, letters folded: counted
// over real conversation transcripts (JSON lines of prompts, replies, tool
// calls and their outputs). A byte not listed is rarer than all of these.
static const char common_first[] =
    " etn\"soaird\\lcpu:,-m_1gh2f.b0/546kvy39x=8w{}7()>j<qz`[%]*|@;'#&+~!$?^";

// How rare each byte is: its place in `common_first`, 255 when not there.
// Filled once as the program loads, so a needle's anchors cost a lookup a
// byte; the vector width is chosen then too, before any thread reads it.
static unsigned char rank_of[256];
#if defined(__x86_64__)
static int has_avx2;
#endif

__attribute__((constructor))
static void prepare_scan(void) {
    for (int byte = 0; byte < 256; byte++) rank_of[byte] = 255;
    for (unsigned char rank = 0; common_first[rank] != 0; rank++) rank_of[(unsigned char)common_first[rank]] = rank;
#if defined(__x86_64__)
    // The processor's features are read by a constructor of their own, which may not have run yet.
    __builtin_cpu_init();
    has_avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
#endif
}

static unsigned int rarity(unsigned char byte, int ignore_case) {
    unsigned char folded = fold(byte);
    unsigned int rank = rank_of[folded];
    // A capital that must match as one is rarer than its folded letter.
    return rank == 255 ? 255 : rank + (!ignore_case && folded != byte ? 40u : 0u);
}

/// A needle as the scan compares it: the offsets of its two rarest bytes,
/// those bytes, and the bit that folds each (0x20 for a letter when case is ignored).
struct probe {
    const unsigned char *needle;
    unsigned long count;
    int fold;
    unsigned long at[2];
    unsigned char want[2], mask[2];
};

sessions_anchors sessions_needle_anchors(const unsigned char *needle, unsigned long count, int ignore_case) {
    sessions_anchors anchors = { 0, count == 0 ? 0 : count - 1 };
    // The two largest ranks, the earliest of equals: with one byte, both are it.
    int best = -1, next = -1;
    for (unsigned long i = 0; i < count; i++) {
        int rank = (int)rarity(needle[i], ignore_case);
        if (rank > best) {
            next = best; anchors.second = anchors.first;
            best = rank; anchors.first = i;
        } else if (rank > next) {
            next = rank; anchors.second = i;
        }
    }
    return anchors;
}

static struct probe make_probe(const unsigned char *needle, unsigned long count, int ignore_case, sessions_anchors anchors) {
    struct probe probe = { needle, count, ignore_case, { anchors.first, anchors.second }, { 0, 0 }, { 0, 0 } };
    for (int k = 0; k < 2; k++) {
        probe.want[k] = needle[probe.at[k]];
        probe.mask[k] = ignore_case && is_letter(needle[probe.at[k]]) ? 0x20 : 0;
    }
    return probe;
}

static inline int matches_at(const unsigned char *at, const struct probe *probe) {
    if (probe->fold) {
        for (unsigned long i = 0; i < probe->count; i++) if (fold(at[i]) != probe->needle[i]) return 0;
    } else {
        for (unsigned long i = 0; i < probe->count; i++) if (at[i] != probe->needle[i]) return 0;
    }
    return 1;
}

/// Which probes' needles start at `at`: bit 1 for the first, bit 2 for the second.
static inline int matching_at(const unsigned char *bytes, unsigned long length, unsigned long at,
                              const struct probe *probes, int probe_count) {
    int which = 0;
    for (int p = 0; p < probe_count; p++) {
        if (at + probes[p].count <= length && matches_at(bytes + at, &probes[p])) which |= 1 << p;
    }
    return which;
}

static long scan_scalar(const unsigned char *bytes, unsigned long length, unsigned long from,
                        const struct probe *probes, int probe_count, int *which) {
    for (unsigned long index = from; index < length; index++) {
        int found = matching_at(bytes, length, index, probes, probe_count);
        if (found) { *which = found; return (long)index; }
    }
    return -1;
}

static unsigned long longest(const struct probe *probes, int probe_count) {
    unsigned long most = 0;
    for (int p = 0; p < probe_count; p++) if (probes[p].count > most) most = probes[p].count;
    return most;
}

// Both widths run the same loop: a block of starts, each probe's two bytes
// compared where they would stand, then each candidate checked whole. Only
// finding the candidates of a block differs with the vector width.
typedef unsigned int (*block_candidates)(const unsigned char *block, const struct probe *probe);

// From `*from`, block by block while a whole block and its needles fit;
// `*from` is left where the blocks stopped, for a narrower width or the
// byte-by-byte tail to go on.
static inline __attribute__((always_inline))
long scan_blocks(const unsigned char *bytes, unsigned long length, unsigned long *from, const struct probe *probes,
                 int probe_count, int *which, unsigned long width, block_candidates candidates) {
    const unsigned long reach = longest(probes, probe_count) - 1 + width;
    unsigned long index = *from;
    while (index + reach <= length) {
        unsigned int found = 0;
        for (int p = 0; p < probe_count; p++) found |= candidates(bytes + index, &probes[p]);
        while (found) {
            unsigned long at = index + (unsigned long)__builtin_ctz(found);
            int matched = matching_at(bytes, length, at, probes, probe_count);
            if (matched) { *which = matched; return (long)at; }
            found &= found - 1;
        }
        index += width;
    }
    *from = index;
    return -1;
}

#if defined(__x86_64__)
#include <immintrin.h>

// The starts among the block's 32 (16) where both of the probe's bytes are
// in place, folded: bit i for the start at `block + i`.
__attribute__((target("avx2"), always_inline))
static inline unsigned int candidates_avx2(const unsigned char *block, const struct probe *probe) {
    __m256i one = _mm256_or_si256(_mm256_loadu_si256((const __m256i *)(block + probe->at[0])), _mm256_set1_epi8((char)probe->mask[0]));
    __m256i two = _mm256_or_si256(_mm256_loadu_si256((const __m256i *)(block + probe->at[1])), _mm256_set1_epi8((char)probe->mask[1]));
    return (unsigned int)_mm256_movemask_epi8(_mm256_and_si256(_mm256_cmpeq_epi8(one, _mm256_set1_epi8((char)probe->want[0])),
                                                               _mm256_cmpeq_epi8(two, _mm256_set1_epi8((char)probe->want[1]))));
}

__attribute__((always_inline))
static inline unsigned int candidates_sse2(const unsigned char *block, const struct probe *probe) {
    __m128i one = _mm_or_si128(_mm_loadu_si128((const __m128i *)(block + probe->at[0])), _mm_set1_epi8((char)probe->mask[0]));
    __m128i two = _mm_or_si128(_mm_loadu_si128((const __m128i *)(block + probe->at[1])), _mm_set1_epi8((char)probe->mask[1]));
    return (unsigned int)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(one, _mm_set1_epi8((char)probe->want[0])),
                                                         _mm_cmpeq_epi8(two, _mm_set1_epi8((char)probe->want[1]))));
}

static long scan_sse2(const unsigned char *bytes, unsigned long length, unsigned long from,
                      const struct probe *probes, int probe_count, int *which) {
    long found = scan_blocks(bytes, length, &from, probes, probe_count, which, 16, candidates_sse2);
    return found >= 0 ? found : scan_scalar(bytes, length, from, probes, probe_count, which);
}

// The wide blocks, then the narrow ones: most strings a line holds are
// shorter than a wide block and a needle, and would otherwise go byte by byte.
__attribute__((target("avx2")))
static long scan_avx2(const unsigned char *bytes, unsigned long length, const struct probe *probes, int probe_count, int *which) {
    unsigned long from = 0;
    long found = scan_blocks(bytes, length, &from, probes, probe_count, which, 32, candidates_avx2);
    return found >= 0 ? found : scan_sse2(bytes, length, from, probes, probe_count, which);
}

static long scan(const unsigned char *bytes, unsigned long length, const struct probe *probes, int probe_count, int *which) {
    return has_avx2 ? scan_avx2(bytes, length, probes, probe_count, which)
                    : scan_sse2(bytes, length, 0, probes, probe_count, which);
}

#else

static long scan(const unsigned char *bytes, unsigned long length, const struct probe *probes, int probe_count, int *which) {
    return scan_scalar(bytes, length, 0, probes, probe_count, which);
}

#endif

long sessions_find_folded(const unsigned char *bytes, unsigned long length,
                          const unsigned char *needle, unsigned long count, int ignore_case, sessions_anchors anchors) {
    if (count == 0 || count > length) return count == 0 ? 0 : -1;
    const struct probe probe = make_probe(needle, count, ignore_case, anchors);
    int which = 0;
    return scan(bytes, length, &probe, 1, &which);
}

long sessions_find_either(const unsigned char *bytes, unsigned long length,
                          const unsigned char *a, unsigned long a_count, int a_ignore_case, sessions_anchors a_anchors,
                          const unsigned char *b, unsigned long b_count, int b_ignore_case, sessions_anchors b_anchors,
                          int *which) {
    *which = 0;
    if (a_count == 0 || b_count == 0) return -1;
    const struct probe probes[2] = { make_probe(a, a_count, a_ignore_case, a_anchors), make_probe(b, b_count, b_ignore_case, b_anchors) };
    return scan(bytes, length, probes, 2, which);
}
