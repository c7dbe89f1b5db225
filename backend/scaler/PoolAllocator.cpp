#include "scaler/PoolAllocator.h"

#include <algorithm>
#include <cstdlib>

namespace mmf {

namespace {

qint64 needOf(const PoolAllocator::Model& model, size_t r)
{
    return r < model.need.size() ? model.need[r] : 0;
}

// The largest fraction of any pool resource that `replicas` replicas of the model take.
double dominantShare(const std::vector<qint64>& pool, const PoolAllocator::Model& model, int replicas)
{
    double share = 0;
    for (size_t r = 0; r < pool.size(); ++r) {
        if (pool[r] > 0)
            share = std::max(share, double(replicas) * double(needOf(model, r)) / double(pool[r]));
    }
    return share;
}

} // namespace

int PoolAllocator::clampTarget(int target, int min, int max)
{
    min = std::max(0, min);
    max = std::max(min, max);
    return std::clamp(target, min, max);
}

bool PoolAllocator::fits(const std::vector<qint64>& free, const std::vector<qint64>& need)
{
    for (size_t r = 0; r < need.size(); ++r) {
        const qint64 available = r < free.size() ? free[r] : 0;
        if (need[r] > available)
            return false;
    }
    return true;
}

int PoolAllocator::moves(const std::vector<int>& from, const std::vector<int>& to)
{
    int total = 0;
    for (size_t i = 0; i < std::max(from.size(), to.size()); ++i) {
        const int a = i < from.size() ? from[i] : 0;
        const int b = i < to.size() ? to[i] : 0;
        total += std::abs(a - b);
    }
    return total;
}

PoolAllocator::Result PoolAllocator::allocate(const std::vector<qint64>& pool,
                                              const std::vector<Model>& models)
{
    const size_t n = models.size();
    Result out;
    out.replicas.assign(n, 0);
    out.shortfall.assign(n, 0);
    std::vector<qint64> free = pool;
    std::vector<int> target(n);
    std::vector<int> min(n);
    for (size_t i = 0; i < n; ++i) {
        min[i] = std::max(0, models[i].min);
        target[i] = clampTarget(models[i].target, models[i].min, models[i].max);
    }
    // The pool may name fewer resources than a model needs: a missing resource has amount 0.
    size_t resources = pool.size();
    for (const Model& model : models)
        resources = std::max(resources, model.need.size());
    free.resize(resources, 0);
    auto take = [&](size_t i) {
        for (size_t r = 0; r < models[i].need.size(); ++r)
            free[r] -= models[i].need[r];
        ++out.replicas[i];
    };

    // 1. Mins first, in priority order.
    for (size_t i = 0; i < n; ++i) {
        while (out.replicas[i] < min[i] && fits(free, models[i].need))
            take(i);
        if (out.replicas[i] < min[i])
            out.minsFit = false;
    }

    // 2. Water-filling over unmet targets.
    for (;;) {
        int best = -1;
        double bestShare = 0;
        for (size_t i = 0; i < n; ++i) {
            if (out.replicas[i] >= target[i] || !fits(free, models[i].need))
                continue;
            const double share = dominantShare(pool, models[i], out.replicas[i]);
            if (best < 0) {
                best = int(i);
                bestShare = share;
                continue;
            }
            const size_t b = size_t(best);
            // replicas[i] / target[i] vs replicas[b] / target[b], exactly (targets > 0 here).
            const qint64 lhs = qint64(out.replicas[i]) * target[b];
            const qint64 rhs = qint64(out.replicas[b]) * target[i];
            if (lhs != rhs) {
                if (lhs < rhs) {
                    best = int(i);
                    bestShare = share;
                }
                continue;
            }
            if (share != bestShare) {
                if (share < bestShare) {
                    best = int(i);
                    bestShare = share;
                }
                continue;
            }
            // Equal ratios: the smaller target gains more from one replica (a better sorted ratio vector).
            if (target[i] != target[b]) {
                if (target[i] < target[b]) {
                    best = int(i);
                    bestShare = share;
                }
                continue;
            }
            const bool keepsI = out.replicas[i] < models[i].current;
            const bool keepsB = out.replicas[b] < models[b].current;
            if (keepsI != keepsB) {
                if (keepsI) {
                    best = int(i);
                    bestShare = share;
                }
                continue;
            }
            if (models[i].name < models[b].name) {
                best = int(i);
                bestShare = share;
            }
        }
        if (best < 0)
            break;
        take(size_t(best));
    }

    out.used.resize(resources);
    for (size_t r = 0; r < resources; ++r)
        out.used[r] = (r < pool.size() ? pool[r] : 0) - free[r];
    for (size_t i = 0; i < n; ++i)
        out.shortfall[i] = std::max(0, target[i] - out.replicas[i]);
    return out;
}

} // namespace mmf
