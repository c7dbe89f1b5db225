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

    // Declares a family (again: no-op). Histogram buckets are upper bounds, ascending; +Inf is implicit.
    void declare(const QByteArray& name, Type type, const QByteArray& help, std::vector<double> buckets = {});

    void add(const QByteArray& name, const Labels& labels, double delta = 1); // counter or gauge
    void set(const QByteArray& name, const Labels& labels, double value);     // gauge
    void observe(const QByteArray& name, const Labels& labels, double value); // histogram
    // Drops every series of a family (gauges rebuilt from a fresh snapshot, e.g. models that went away).
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

    std::map<QByteArray, Family> m_families;
};

} // namespace mmf
