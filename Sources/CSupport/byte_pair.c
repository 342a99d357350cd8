// Finding where two bytes of a search's needle sit at their distance apart,
// ASCII letters folded: the scan every search runs over every byte of the
// store. Written here, not in Swift, for one reason: the machine's 32-byte
// vector instructions are chosen when the process starts, which Swift cannot
// do, and they halve the time of a search whose files are in memory.

#include "CSupport.h"

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2")))
static long find_pair_avx2(const unsigned char *bytes, unsigned long length,
                           unsigned char first, unsigned char first_fold,
                           unsigned char last, unsigned char last_fold, unsigned long distance) {
    unsigned long index = 0;
    const __m256i first_wanted = _mm256_set1_epi8((char)first), last_wanted = _mm256_set1_epi8((char)last);
    const __m256i first_mask = _mm256_set1_epi8((char)first_fold), last_mask = _mm256_set1_epi8((char)last_fold);
    while (index + distance + 32 <= length) {
        __m256i heads = _mm256_or_si256(_mm256_loadu_si256((const __m256i *)(bytes + index)), first_mask);
        __m256i tails = _mm256_or_si256(_mm256_loadu_si256((const __m256i *)(bytes + index + distance)), last_mask);
        unsigned int found = (unsigned int)_mm256_movemask_epi8(
            _mm256_and_si256(_mm256_cmpeq_epi8(heads, first_wanted), _mm256_cmpeq_epi8(tails, last_wanted)));
        if (found) return (long)(index + (unsigned long)__builtin_ctz(found));
        index += 32;
    }
    for (; index + distance < length; index++) {
        if ((bytes[index] | first_fold) == first && (bytes[index + distance] | last_fold) == last) return (long)index;
    }
    return -1;
}

static long find_pair_sse2(const unsigned char *bytes, unsigned long length,
                           unsigned char first, unsigned char first_fold,
                           unsigned char last, unsigned char last_fold, unsigned long distance) {
    unsigned long index = 0;
    const __m128i first_wanted = _mm_set1_epi8((char)first), last_wanted = _mm_set1_epi8((char)last);
    const __m128i first_mask = _mm_set1_epi8((char)first_fold), last_mask = _mm_set1_epi8((char)last_fold);
    while (index + distance + 16 <= length) {
        __m128i heads = _mm_or_si128(_mm_loadu_si128((const __m128i *)(bytes + index)), first_mask);
        __m128i tails = _mm_or_si128(_mm_loadu_si128((const __m128i *)(bytes + index + distance)), last_mask);
        unsigned int found = (unsigned int)_mm_movemask_epi8(
            _mm_and_si128(_mm_cmpeq_epi8(heads, first_wanted), _mm_cmpeq_epi8(tails, last_wanted)));
        if (found) return (long)(index + (unsigned long)__builtin_ctz(found));
        index += 16;
    }
    for (; index + distance < length; index++) {
        if ((bytes[index] | first_fold) == first && (bytes[index + distance] | last_fold) == last) return (long)index;
    }
    return -1;
}

long sessions_find_byte_pair(const unsigned char *bytes, unsigned long length,
                             unsigned char first, unsigned char first_fold,
                             unsigned char last, unsigned char last_fold, unsigned long distance) {
    static int has_avx2 = -1;
    if (has_avx2 < 0) has_avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
    return has_avx2 ? find_pair_avx2(bytes, length, first, first_fold, last, last_fold, distance)
                    : find_pair_sse2(bytes, length, first, first_fold, last, last_fold, distance);
}

#else

long sessions_find_byte_pair(const unsigned char *bytes, unsigned long length,
                             unsigned char first, unsigned char first_fold,
                             unsigned char last, unsigned char last_fold, unsigned long distance) {
    for (unsigned long index = 0; index + distance < length; index++) {
        if ((bytes[index] | first_fold) == first && (bytes[index + distance] | last_fold) == last) return (long)index;
    }
    return -1;
}

#endif
