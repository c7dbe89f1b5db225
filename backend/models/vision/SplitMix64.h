#pragma once

#include <cstdint>

namespace mmf {

// A small seeded pseudo-random generator (SplitMix64, Steele et al. 2014) whose output is fixed by the seed
// on every platform and compiler, unlike std::uniform_*_distribution: training with one seed reproduces its
// weights bit for bit.
class SplitMix64
{
public:
    explicit SplitMix64(std::uint64_t seed)
        : m_state(seed)
    {}

    std::uint64_t next()
    {
        std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    // Uniform in [0, 1) with 53 random bits.
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }

    // Uniform integer in [0, bound), bound > 0, without modulo bias (Lemire's multiply-and-reject).
    std::uint32_t below(std::uint32_t bound)
    {
        const std::uint32_t threshold = std::uint32_t(-bound) % bound;
        for (;;) {
            const std::uint64_t product = (next() >> 32) * std::uint64_t(bound);
            if (std::uint32_t(product) >= threshold)
                return std::uint32_t(product >> 32);
        }
    }

private:
    std::uint64_t m_state;
};

} // namespace mmf
