// PoolAllocator: known cases, properties over many random pools, specs and demands (never over the pool, max
// or target; mins first; no room left that an unmet model could use; no starvation while another model holds
// more than its share; deterministic and stable), and an exact comparison with a brute-force search for a
// single resource on up to three models (best sorted vector of allocated / target ratios, then fewest moves).
#include "scaler/PoolAllocator.h"

#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
#include <functional>

using namespace mmf;

namespace {

using Model = PoolAllocator::Model;

Model model(const char* name, int min, int max, int target, std::vector<qint64> need, int current = 0)
{
    Model m;
    m.name = name;
    m.min = min;
    m.max = max;
    m.target = target;
    m.current = current;
    m.need = std::move(need);
    return m;
}

std::vector<qint64> freeOf(const std::vector<qint64>& pool, const std::vector<Model>& models,
                           const std::vector<int>& replicas)
{
    std::vector<qint64> free = pool;
    for (size_t i = 0; i < models.size(); ++i)
        for (size_t r = 0; r < models[i].need.size(); ++r)
            free[r] -= qint64(replicas[i]) * models[i].need[r];
    return free;
}

// Ascending allocated / target ratios; a model with target 0 is satisfied (1).
std::vector<double> sortedRatios(const std::vector<Model>& models, const std::vector<int>& replicas)
{
    std::vector<double> out;
    for (size_t i = 0; i < models.size(); ++i) {
        const int t = PoolAllocator::clampTarget(models[i].target, models[i].min, models[i].max);
        out.push_back(t == 0 ? 1.0 : double(replicas[i]) / double(t));
    }
    std::sort(out.begin(), out.end());
    return out;
}

struct Random
{
    QRandomGenerator gen;
    int upTo(int n) { return int(gen.bounded(n + 1)); } // 0..n
};

std::vector<Model> randomModels(Random& rnd, int count, int resources, int maxNeed)
{
    std::vector<Model> models;
    for (int i = 0; i < count; ++i) {
        Model m;
        m.name = QByteArray("m") + QByteArray::number(i);
        m.min = rnd.upTo(3);
        m.max = m.min + rnd.upTo(5);
        m.target = rnd.upTo(9);
        m.current = rnd.upTo(6);
        for (int r = 0; r < resources; ++r)
            m.need.push_back(rnd.upTo(maxNeed));
        models.push_back(std::move(m));
    }
    return models;
}

} // namespace

class TestPoolAllocator : public QObject
{
    Q_OBJECT
private slots:
    void knownCases_data();
    void knownCases();
    void properties();
    void bruteForceSingleResource();
    void smallDemandChangesMoveLittle();
};

void TestPoolAllocator::knownCases_data()
{
    QTest::addColumn<std::vector<qint64>>("pool");
    QTest::addColumn<std::vector<Model>>("models");
    QTest::addColumn<std::vector<int>>("expected");
    QTest::addColumn<bool>("minsFit");

    QTest::newRow("one model grows to its target")
        << std::vector<qint64>{3} << std::vector<Model>{model("echo", 0, 3, 3, {1})} << std::vector<int>{3}
        << true;
    QTest::newRow("capped by max") << std::vector<qint64>{8}
                                   << std::vector<Model>{model("echo", 0, 2, 7, {1})} << std::vector<int>{2}
                                   << true;
    QTest::newRow("scale to zero") << std::vector<qint64>{8}
                                   << std::vector<Model>{model("echo", 0, 3, 0, {1}, 3)}
                                   << std::vector<int>{0} << true;
    QTest::newRow("min held without demand")
        << std::vector<qint64>{8} << std::vector<Model>{model("echo", 2, 4, 0, {1})} << std::vector<int>{2}
        << true;
    QTest::newRow("shared in proportion to demand")
        << std::vector<qint64>{6} << std::vector<Model>{model("a", 0, 10, 2, {1}), model("b", 0, 10, 8, {1})}
        << std::vector<int>{2, 4} << true;
    QTest::newRow("equal demand, equal share")
        << std::vector<qint64>{4} << std::vector<Model>{model("a", 0, 10, 6, {1}), model("b", 0, 10, 6, {1})}
        << std::vector<int>{2, 2} << true;
    QTest::newRow("tie goes to the running replica (no move)")
        << std::vector<qint64>{3}
        << std::vector<Model>{model("a", 0, 10, 2, {1}, 1), model("b", 0, 10, 2, {1}, 2)}
        << std::vector<int>{1, 2} << true;
    QTest::newRow("mins first, in priority order, shortfall reported")
        << std::vector<qint64>{3} << std::vector<Model>{model("a", 2, 4, 4, {1}), model("b", 2, 4, 4, {1})}
        << std::vector<int>{2, 1} << false;
    QTest::newRow("a replica bigger than the pool never fits")
        << std::vector<qint64>{4, 0}
        << std::vector<Model>{model("gpu", 0, 2, 2, {1, 1}), model("c", 0, 2, 2, {1, 0})}
        << std::vector<int>{0, 2} << true;
    QTest::newRow("multi-resource: memory binds")
        << std::vector<qint64>{8, 1000}
        << std::vector<Model>{model("big", 0, 4, 4, {1, 400}), model("small", 0, 4, 4, {1, 100})}
        << std::vector<int>{2, 2} << true;
}

void TestPoolAllocator::knownCases()
{
    QFETCH(std::vector<qint64>, pool);
    QFETCH(std::vector<Model>, models);
    QFETCH(std::vector<int>, expected);
    QFETCH(bool, minsFit);
    const PoolAllocator::Result result = PoolAllocator::allocate(pool, models);
    QCOMPARE(result.replicas, expected);
    QCOMPARE(result.minsFit, minsFit);
    for (size_t i = 0; i < models.size(); ++i)
        QCOMPARE(result.shortfall[i],
                 PoolAllocator::clampTarget(models[i].target, models[i].min, models[i].max) - expected[i]);
}

void TestPoolAllocator::properties()
{
    Random rnd{QRandomGenerator(20261126)};
    for (int iteration = 0; iteration < 5000; ++iteration) {
        const int resources = 1 + rnd.upTo(2);
        std::vector<qint64> pool;
        for (int r = 0; r < resources; ++r)
            pool.push_back(rnd.upTo(16));
        const std::vector<Model> models = randomModels(rnd, 1 + rnd.upTo(5), resources, 4);
        const PoolAllocator::Result result = PoolAllocator::allocate(pool, models);
        const std::vector<qint64> free = freeOf(pool, models, result.replicas);
        const QByteArray where = "iteration " + QByteArray::number(iteration);

        // Never over the pool; used is what the replicas take.
        for (size_t r = 0; r < pool.size(); ++r) {
            QVERIFY2(free[r] >= 0, where);
            QCOMPARE(result.used[r], pool[r] - free[r]);
        }
        // Mins that fit all together are all honoured.
        std::vector<qint64> minNeed(pool.size(), 0);
        for (const Model& m : models)
            for (size_t r = 0; r < m.need.size(); ++r)
                minNeed[r] += qint64(m.min) * m.need[r];
        bool minsFit = true;
        for (size_t r = 0; r < pool.size(); ++r)
            minsFit = minsFit && minNeed[r] <= pool[r];
        if (minsFit)
            QVERIFY2(result.minsFit, where);
        for (size_t i = 0; i < models.size(); ++i) {
            const Model& m = models[i];
            const int target = PoolAllocator::clampTarget(m.target, m.min, m.max);
            QVERIFY2(result.replicas[i] <= std::max(m.min, m.max), where);
            QVERIFY2(result.replicas[i] <= target, where);
            if (minsFit)
                QVERIFY2(result.replicas[i] >= m.min, where);
            QCOMPARE(result.shortfall[i], target - result.replicas[i]);
            if (result.replicas[i] >= target)
                continue;
            // No room left that this unmet model could use.
            QVERIFY2(!PoolAllocator::fits(free, m.need), where);
            // Not starved while another holds more than its share: a model whose last replica went beyond
            // this one's ratio took room this one's next replica could not have used anyway.
            for (size_t j = 0; j < models.size(); ++j) {
                const Model& o = models[j];
                const int ot = PoolAllocator::clampTarget(o.target, o.min, o.max);
                if (j == i || result.replicas[j] <= o.min || ot == 0)
                    continue;
                // (replicas[j] - 1) / ot > replicas[i] / target
                if (qint64(result.replicas[j] - 1) * target <= qint64(result.replicas[i]) * ot)
                    continue;
                std::vector<qint64> freed = free;
                for (size_t r = 0; r < o.need.size(); ++r)
                    freed[r] += o.need[r];
                QVERIFY2(!PoolAllocator::fits(freed, m.need),
                         where + " model " + m.name + " starved by " + o.name);
            }
        }
        // Deterministic, and stable: fed its own answer as the running state, it moves nothing.
        const PoolAllocator::Result again = PoolAllocator::allocate(pool, models);
        QCOMPARE(again.replicas, result.replicas);
        std::vector<Model> settled = models;
        for (size_t i = 0; i < settled.size(); ++i)
            settled[i].current = result.replicas[i];
        QCOMPARE(PoolAllocator::allocate(pool, settled).replicas, result.replicas);
    }
}

void TestPoolAllocator::bruteForceSingleResource()
{
    Random rnd{QRandomGenerator(7)};
    int compared = 0;
    for (int iteration = 0; iteration < 20000; ++iteration) {
        const int count = 1 + rnd.upTo(2);
        // One resource; every replica of every model the same size (the water-filling is exact there).
        const qint64 size = 1 + rnd.upTo(2);
        const std::vector<qint64> pool{qint64(rnd.upTo(12))};
        std::vector<Model> models = randomModels(rnd, count, 1, 1);
        qint64 minTotal = 0;
        for (Model& m : models) {
            m.need = {size};
            minTotal += qint64(m.min) * size;
        }
        if (minTotal > pool[0])
            continue; // mins that do not fit follow the priority order (knownCases)
        ++compared;
        const PoolAllocator::Result result = PoolAllocator::allocate(pool, models);
        std::vector<int> current;
        for (const Model& m : models)
            current.push_back(m.current);

        // Every allocation within [min, target] that fits.
        std::vector<double> bestRatios;
        int bestMoves = 0;
        bool found = false;
        std::vector<int> a(size_t(count), 0);
        std::vector<int> targets;
        for (const Model& m : models)
            targets.push_back(PoolAllocator::clampTarget(m.target, m.min, m.max));
        std::function<void(size_t)> search = [&](size_t i) {
            if (i == size_t(count)) {
                qint64 total = 0;
                for (int k = 0; k < count; ++k)
                    total += qint64(a[size_t(k)]) * size;
                if (total > pool[0])
                    return;
                const std::vector<double> ratios = sortedRatios(models, a);
                const int moves = PoolAllocator::moves(current, a);
                if (!found || ratios > bestRatios || (ratios == bestRatios && moves < bestMoves)) {
                    bestRatios = ratios;
                    bestMoves = moves;
                    found = true;
                }
                return;
            }
            for (int v = models[i].min; v <= targets[i]; ++v) {
                a[i] = v;
                search(i + 1);
            }
        };
        search(0);
        QVERIFY(found);
        QByteArray where = "iteration " + QByteArray::number(iteration) + " pool " +
                           QByteArray::number(pool[0]) + " size " + QByteArray::number(size);
        for (size_t k = 0; k < models.size(); ++k)
            where += QByteArray(" [min %1 max %2 target %3 current %4 -> %5]")
                         .replace("%1", QByteArray::number(models[k].min))
                         .replace("%2", QByteArray::number(models[k].max))
                         .replace("%3", QByteArray::number(models[k].target))
                         .replace("%4", QByteArray::number(models[k].current))
                         .replace("%5", QByteArray::number(result.replicas[k]));
        QVERIFY2(sortedRatios(models, result.replicas) == bestRatios, where);
        QVERIFY2(PoolAllocator::moves(current, result.replicas) == bestMoves, where);
    }
    QVERIFY(compared > 5000);
}

void TestPoolAllocator::smallDemandChangesMoveLittle()
{
    Random rnd{QRandomGenerator(99)};
    for (int iteration = 0; iteration < 5000; ++iteration) {
        const std::vector<qint64> pool{qint64(4 + rnd.upTo(12))};
        std::vector<Model> models = randomModels(rnd, 1 + rnd.upTo(4), 1, 1);
        for (Model& m : models) {
            m.need = {1};
            m.min = 0;
        }
        // Settle, then change one model's demand by one task's worth.
        PoolAllocator::Result before = PoolAllocator::allocate(pool, models);
        for (size_t i = 0; i < models.size(); ++i)
            models[i].current = before.replicas[i];
        const size_t changed = size_t(rnd.upTo(int(models.size()) - 1));
        models[changed].target = std::max(0, models[changed].target + (rnd.upTo(1) ? 1 : -1));
        const PoolAllocator::Result after = PoolAllocator::allocate(pool, models);
        QVERIFY2(PoolAllocator::moves(before.replicas, after.replicas) <= 2,
                 "iteration " + QByteArray::number(iteration));
    }
}

QTEST_GUILESS_MAIN(TestPoolAllocator)
#include "tst_poolallocator.moc"
