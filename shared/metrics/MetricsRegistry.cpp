#include "metrics/MetricsRegistry.h"

#include <algorithm>
#include <cmath>

namespace mmf {

namespace {

QByteArray escapeHelp(QByteArrayView help)
{
    QByteArray out;
    out.reserve(help.size());
    for (char c : help) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

const char* typeName(MetricsRegistry::Type type)
{
    switch (type) {
    case MetricsRegistry::Type::Counter:
        return "counter";
    case MetricsRegistry::Type::Gauge:
        return "gauge";
    case MetricsRegistry::Type::Histogram:
        return "histogram";
    }
    return "untyped";
}

void appendSample(QByteArray& out, const QByteArray& name, const QByteArray& labels, double value)
{
    out += name;
    if (!labels.isEmpty()) {
        out += '{';
        out += labels;
        out += '}';
    }
    out += ' ';
    out += MetricsRegistry::formatValue(value);
    out += '\n';
}

QByteArray withLe(const QByteArray& labels, const QByteArray& le)
{
    QByteArray out = labels;
    if (!out.isEmpty())
        out += ',';
    out += "le=\"" + le + '"';
    return out;
}

} // namespace

void MetricsRegistry::declare(const QByteArray& name, Type type, const QByteArray& help,
                              std::vector<double> buckets)
{
    if (m_families.count(name))
        return;
    Family family;
    family.type = type;
    family.help = help;
    std::sort(buckets.begin(), buckets.end());
    family.bounds = std::move(buckets);
    m_families.emplace(name, std::move(family));
}

QByteArray MetricsRegistry::escapeLabelValue(QByteArrayView value)
{
    QByteArray out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

QByteArray MetricsRegistry::formatValue(double value)
{
    if (std::isnan(value))
        return QByteArrayLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    if (value == std::floor(value) && std::fabs(value) < 1e15)
        return QByteArray::number(qint64(value));
    return QByteArray::number(value, 'g', 15);
}

QByteArray MetricsRegistry::renderLabels(const Labels& labels)
{
    QByteArray out;
    for (const auto& [key, value] : labels) {
        if (!out.isEmpty())
            out += ',';
        out += key;
        out += "=\"";
        out += escapeLabelValue(value);
        out += '"';
    }
    return out;
}

MetricsRegistry::Series* MetricsRegistry::series(const QByteArray& name, Type type, const Labels& labels)
{
    auto family = m_families.find(name);
    if (family == m_families.end() || family->second.type != type)
        return nullptr;
    Series& s = family->second.series[renderLabels(labels)];
    if (type == Type::Histogram && s.buckets.size() != family->second.bounds.size())
        s.buckets.assign(family->second.bounds.size(), 0);
    return &s;
}

void MetricsRegistry::add(const QByteArray& name, const Labels& labels, double delta)
{
    auto family = m_families.find(name);
    if (family == m_families.end() || family->second.type == Type::Histogram)
        return;
    if (family->second.type == Type::Counter && delta < 0)
        return; // counters only go up
    family->second.series[renderLabels(labels)].value += delta;
}

void MetricsRegistry::raiseTo(const QByteArray& name, const Labels& labels, double total)
{
    if (Series* s = series(name, Type::Counter, labels); s && total > s->value)
        s->value = total;
}

MetricsRegistry::Handle MetricsRegistry::handle(const QByteArray& name, Type type, const Labels& labels)
{
    Handle handle;
    handle.m_series = series(name, type, labels);
    if (handle.m_series)
        handle.m_family = &m_families.at(name);
    return handle;
}

MetricsRegistry::Handle MetricsRegistry::counter(const QByteArray& name, const Labels& labels)
{
    return handle(name, Type::Counter, labels);
}

MetricsRegistry::Handle MetricsRegistry::histogram(const QByteArray& name, const Labels& labels)
{
    return handle(name, Type::Histogram, labels);
}

void MetricsRegistry::add(Handle counter, double delta)
{
    if (counter.m_series && counter.m_family->type == Type::Counter && delta >= 0)
        counter.m_series->value += delta;
}

void MetricsRegistry::observe(Handle histogram, double value)
{
    if (!histogram.m_series || histogram.m_family->type != Type::Histogram)
        return;
    Series& s = *histogram.m_series;
    const std::vector<double>& bounds = histogram.m_family->bounds;
    const auto bucket = std::lower_bound(bounds.begin(), bounds.end(), value);
    if (bucket != bounds.end())
        ++s.buckets[size_t(bucket - bounds.begin())];
    s.sum += value;
    ++s.count;
}

void MetricsRegistry::set(const QByteArray& name, const Labels& labels, double value)
{
    if (Series* s = series(name, Type::Gauge, labels))
        s->value = value;
}

void MetricsRegistry::observe(const QByteArray& name, const Labels& labels, double value)
{
    observe(histogram(name, labels), value);
}

void MetricsRegistry::clear(const QByteArray& name)
{
    auto family = m_families.find(name);
    if (family != m_families.end() && family->second.type == Type::Gauge)
        family->second.series.clear();
}

double MetricsRegistry::value(const QByteArray& name, const Labels& labels) const
{
    auto family = m_families.find(name);
    if (family == m_families.end())
        return 0;
    auto s = family->second.series.find(renderLabels(labels));
    return s == family->second.series.end() ? 0 : s->second.value;
}

QByteArray MetricsRegistry::exposition() const
{
    QByteArray out;
    out.reserve(4096);
    for (const auto& [name, family] : m_families) {
        out += "# HELP " + name + ' ' + escapeHelp(family.help) + '\n';
        out += "# TYPE " + name + ' ' + typeName(family.type) + '\n';
        for (const auto& [labels, s] : family.series) {
            if (family.type != Type::Histogram) {
                appendSample(out, name, labels, s.value);
                continue;
            }
            quint64 cumulative = 0;
            for (size_t i = 0; i < family.bounds.size(); ++i) {
                cumulative += i < s.buckets.size() ? s.buckets[i] : 0;
                appendSample(out, name + "_bucket", withLe(labels, formatValue(family.bounds[i])),
                             double(cumulative));
            }
            appendSample(out, name + "_bucket", withLe(labels, "+Inf"), double(s.count));
            appendSample(out, name + "_sum", labels, s.sum);
            appendSample(out, name + "_count", labels, double(s.count));
        }
    }
    return out;
}

} // namespace mmf
