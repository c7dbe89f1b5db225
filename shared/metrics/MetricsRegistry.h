#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

#include <map>
#include <vector>

namespace mmf {

// Counters, gauges and histograms with labels, rendered in the Prometheus text exposition format (0.0.4) with
// HELP and TYPE for every family. No external library. Families must be declared before use; using an
// undeclared name or the wrong kind is ignored (a metrics bug must never break a request). Not thread-safe:
// one event loop.
class MetricsRegistry
{
public:
    enum class Type
    {
        Counter,
        Gauge,
        Histogram
    };
    using Labels = QList<QPair<QByteArray, QByteArray>>;

private:
    struct Series;
    struct Family;

public:
    // One counter or histogram series, found once and kept by its user: the hot path (five series per task
    // event) then neither renders labels nor looks anything up. Valid for the registry's life (only gauges
    // are ever cleared). A null handle (undeclared family, or one of another type) updates nothing.
    class Handle
    {
    public:
        bool isNull() const { return !m_series; }

    private:
        friend class MetricsRegistry;
        Series* m_series = nullptr;
        const Family* m_family = nullptr;
    };

    // Declares a family (again: no-op). Histogram buckets are upper bounds, ascending; +Inf is implicit.
    void declare(const QByteArray& name, Type type, const QByteArray& help, std::vector<double> buckets = {});

    void add(const QByteArray& name, const Labels& labels, double delta = 1); // counter or gauge
    // A counter kept by someone else as a running total (a process's CPU seconds, a worker's tasks so far):
    // raised to `total`, never lowered.
    void raiseTo(const QByteArray& name, const Labels& labels, double total);
    void set(const QByteArray& name, const Labels& labels, double value);     // gauge
    void observe(const QByteArray& name, const Labels& labels, double value); // histogram
    Handle counter(const QByteArray& name, const Labels& labels);
    Handle histogram(const QByteArray& name, const Labels& labels);
    void add(Handle counter, double delta = 1);
    void observe(Handle histogram, double value);
    // Drops every series of a gauge family (rebuilt from a fresh snapshot, e.g. models that went away).
    // Counters and histograms only grow, and their handles stay valid: clearing one does nothing.
    void clear(const QByteArray& name);
    // Current value of a counter or gauge series (0 when absent); for tests and the stats push.
    double value(const QByteArray& name, const Labels& labels) const;

    QByteArray exposition() const;

    static QByteArray escapeLabelValue(QByteArrayView value);
    static QByteArray formatValue(double value);

private:
    struct Series
    {
        double value = 0;
        std::vector<quint64> buckets; // per bucket, not cumulative
        double sum = 0;
        quint64 count = 0;
    };
    struct Family
    {
        Type type = Type::Counter;
        QByteArray help;
        std::vector<double> bounds;
        std::map<QByteArray, Series> series; // rendered label set ("a=\"x\",b=\"y\"") → series
    };
    static QByteArray renderLabels(const Labels& labels);
    Series* series(const QByteArray& name, Type type, const Labels& labels);
    Handle handle(const QByteArray& name, Type type, const Labels& labels);

    std::map<QByteArray, Family> m_families;
};

} // namespace mmf
