#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

class QSettings;

namespace mmf::studio {

// The last requests each user sent to each model (newest first, at most `limit`, an identical request moves
// to the top), kept in the settings under recent/<user>/<model> so they outlive the session and another
// account never sees them.
class RecentRequests
{
public:
    struct Entry
    {
        QDateTime sentAt;
        QJsonObject request;
    };

    explicit RecentRequests(QSettings& settings, int limit = 10);

    void add(const QString& user, const QString& model, const QJsonObject& request, const QDateTime& sentAt);
    QList<Entry> of(const QString& user, const QString& model) const;

private:
    QSettings& m_settings;
    int m_limit;
};

} // namespace mmf::studio
