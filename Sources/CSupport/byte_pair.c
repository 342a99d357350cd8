// Finding a search's needle in the raw bytes of the store's files, ASCII
// letters folded: the scan every search runs over every byte of the store.
// Written here, not in Swift, for one reason: the machine's 32-byte vector
// instructions are chosen when the process starts, which Swift cannot do,
// and they halve the time of a search whose files are in memory.
//
// Each block of bytes is compared with the needle's first byte where the
// needle would start and its last byte where it would end; only where both
// agree are the bytes between compared. A letter folds by setting its 0x20
// bit, which maps no other byte onto a lower-case letter.

#include "CSupport.h"

static inline unsigned char fold(unsigned char byte) {
    return (byte >= 'A' && byte <= 'Z') ? (unsigned char)(byte | 0x20) : byte;
}

static inline int is_letter(unsigned char byte) {
    unsigned char lower = (unsigned char)(byte | 0x20);
    return lower >= 'a' && lower <= 'z';
}

static inline int matches_at(const unsigned char *at, const unsigned char *needle, unsigned long count, int ignore_case) {
    if (ignore_case) {
        for (unsigned long i = 0; i < count; i++) if (fold(at[i]) != needle[i]) return 0;
    } else {
        for (unsigned long i = 0; i < count; i++) if (at[i] != needle[i]) return 0;
    }
    return 1;
}

static long find_scalar(const unsigned char *bytes, unsigned long length, unsigned long from,
                        const unsigned char *needle, unsigned long count, int ignore_case) {
    for (unsigned long index = from; index + count <= length; index++) {
        if (matches_at(bytes + index, needle, count, ignore_case)) return (long)index;
    }
    return -1;
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2")))
static long find_avx2(const unsigned char *bytes, unsigned long length,
                      const unsigned char *needle, unsigned long count, int ignore_case) {
    const unsigned char first = needle[0], last = needle[count - 1];
    const __m256i first_wanted = _mm256_set1_epi8((char)first), last_wanted = _mm256_set1_epi8((char)last);
    const __m256i first_mask = _mm256_set1_epi8((char)(ignore_case && is_letter(first) ? 0x20 : 0));
    const __m256i last_mask = _mm256_set1_epi8((char)(ignore_case && is_letter(last) ? 0x20 : 0));
    unsigned long index = 0;
    while (index + count - 1 + 32 <= length) {
        __m256i heads = _mm256_or_si256(_mm256_loadu_si256((const __m256i *)(bytes + index)), first_mask);
        __m256i tails = _mm256_or_si256(_mm256_loadu_si256((const __m256i *)(bytes + index + count - 1)), last_mask);
        unsigned int found = (unsigned int)_mm256_movemask_epi8(
            _mm256_and_si256(_mm256_cmpeq_epi8(heads, first_wanted), _mm256_cmpeq_epi8(tails, last_wanted)));
        while (found) {
            unsigned long at = index + (unsigned long)__builtin_ctz(found);
            if (matches_at(bytes + at, needle, count, ignore_case)) return (long)at;
            found &= found - 1;
        }
        index += 32;
    }
    return find_scalar(bytes, length, index, needle, count, ignore_case);
}

static long find_sse2(const unsigned char *bytes, unsigned long length,
                      const unsigned char *needle, unsigned long count, int ignore_case) {
    const unsigned char first = needle[0], last = needle[count - 1];
    const __m128i first_wanted = _mm_set1_epi8((char)first), last_wanted = _mm_set1_epi8((char)last);
    const __m128i first_mask = _mm_set1_epi8((char)(ignore_case && is_letter(first) ? 0x20 : 0));
    const __m128i last_mask = _mm_set1_epi8((char)(ignore_case && is_letter(last) ? 0x20 : 0));
    unsigned long index = 0;
    while (index + count - 1 + 16 <= length) {
        __m128i heads = _mm_or_si128(_mm_loadu_si128((const __m128i *)(bytes + index)), first_mask);
        __m128i tails = _mm_or_si128(_mm_loadu_si128((const __m128i *)(bytes + index + count - 1)), last_mask);
        unsigned int found = (unsigned int)_mm_movemask_epi8(
            _mm_and_si128(_mm_cmpeq_epi8(heads, first_wanted), _mm_cmpeq_epi8(tails, last_wanted)));
        while (found) {
            unsigned long at = index + (unsigned long)__builtin_ctz(found);
            if (matches_at(bytes + at, needle, count, ignore_case)) return (long)at;
            found &= found - 1;
        }
        index += 16;
    }
    return find_scalar(bytes, length, index, needle, count, ignore_case);
}

long sessions_find_folded(const unsigned char *bytes, unsigned long length,
                          const unsigned char *needle, unsigned long count, int ignore_case) {
    static int has_avx2 = -1;
    if (count == 0 || count > length) return count == 0 ? 0 : -1;
    if (has_avx2 < 0) has_avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
    return has_avx2 ? find_avx2(bytes, length, needle, count, ignore_case)
                    : find_sse2(bytes, length, needle, count, ignore_case);
}

#else

long sessions_find_folded(const unsigned char *bytes, unsigned long length,
                          const unsigned char *needle, unsigned long count, int ignore_case) {
    if (count == 0 || count > length) return count == 0 ? 0 : -1;
    return find_scalar(bytes, length, 0, needle, count, ignore_case);
}

#endif
