#include "core/RecentRequests.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSettings>

namespace mmf::studio {

namespace {
QString keyOf(const QString& user, const QString& model)
{
    // Settings keys treat '/' as a group separator: keep names inside one level.
    auto part = [](QString text) { return text.replace(QLatin1Char('/'), QLatin1Char('_')); };
    return QStringLiteral("recent/%1/%2").arg(part(user.isEmpty() ? QStringLiteral("_") : user), part(model));
}
} // namespace

RecentRequests::RecentRequests(QSettings& settings, int limit)
    : m_settings(settings)
    , m_limit(limit)
{}

void RecentRequests::add(const QString& user, const QString& model, const QJsonObject& request,
                         const QDateTime& sentAt)
{
    QList<Entry> entries = of(user, model);
    entries.removeIf([&](const Entry& e) { return e.request == request; });
    entries.prepend({sentAt, request});
    while (entries.size() > m_limit)
        entries.removeLast();
    QJsonArray stored;
    for (const Entry& e : entries)
        stored.append(QJsonObject{{QStringLiteral("at"), e.sentAt.toUTC().toString(Qt::ISODateWithMs)},
                                  {QStringLiteral("request"), e.request}});
    m_settings.setValue(keyOf(user, model),
                        QString::fromUtf8(QJsonDocument(stored).toJson(QJsonDocument::Compact)));
}

QList<RecentRequests::Entry> RecentRequests::of(const QString& user, const QString& model) const
{
    QList<Entry> out;
    const QJsonArray stored =
        QJsonDocument::fromJson(m_settings.value(keyOf(user, model)).toString().toUtf8()).array();
    for (const QJsonValue& value : stored) {
        const QJsonObject object = value.toObject();
        out.append({QDateTime::fromString(object.value(QLatin1String("at")).toString(), Qt::ISODateWithMs),
                    object.value(QLatin1String("request")).toObject()});
    }
    return out;
}

} // namespace mmf::studio
