#pragma once

#include <QByteArray>

#include <vector>

namespace mmf {

// The scaler's pure core: shares a resource pool among models' replicas (DESIGN "Scaler"). Deterministic, no
// I/O, no clock. Resources are indexed: pool[r] is the amount of resource r, need[r] what one replica of a
// model takes of it.
class PoolAllocator
{
public:
    struct Model
    {
        QByteArray name;
        int min = 0;
        int max = 0;
        int target = 0;  // desired replicas; clamped to [min, max] by allocate()
        int current = 0; // replicas running now (for the fewest-moves choice)
        std::vector<qint64> need;
    };
    struct Result
    {
        std::vector<int> replicas;  // per model, in input order
        std::vector<int> shortfall; // target - replicas, >= 0
        std::vector<qint64> used;   // per resource
        bool minsFit = true;        // false: some model's min did not fit (its shortfall says how much)
    };

    // 1. every model gets its min, in input order (the priority order), as far as it fits;
    // 2. water-filling: one replica at a time to the model with unmet target and the smallest
    //    replicas / target ratio (ties: smaller dominant share, then the smaller target, then a model running
    //    more replicas than it holds so far — no move —, then the name) whose next replica fits, until
    //    nothing more fits;
    // 3. the tie-break on running replicas keeps the moves from `current` few.
    // Never over the pool, never over max or target. Models with an empty need vector need nothing.
    static Result allocate(const std::vector<qint64>& pool, const std::vector<Model>& models);

    // Replica starts + stops between two allocations.
    static int moves(const std::vector<int>& from, const std::vector<int>& to);
    // Clamps target into [min, max] (max below min counts as min).
    static int clampTarget(int target, int min, int max);
    // Whether one more replica needing `need` fits in `free`.
    static bool fits(const std::vector<qint64>& free, const std::vector<qint64>& need);
};

} // namespace mmf
