#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QPair>
#include <QUrl>

namespace mmf {

// A real HTTP client for tests: each call runs the event loop until the answer arrives (or a deadline).
class TestHttpClient
{
public:
    struct Response
    {
        int status = 0; // 0: no answer (connection refused, deadline)
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
        QString networkError;

        QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
        QByteArray header(const QByteArray& name) const;
        QString errorCode() const;
    };

    explicit TestHttpClient(QUrl base, QByteArray token = {});

    void setToken(QByteArray token) { m_token = std::move(token); }
    Response get(const QString& path, const QList<QPair<QByteArray, QByteArray>>& headers = {},
                 int timeoutMs = 70000);
    Response post(const QString& path, const QByteArray& body,
                  const QList<QPair<QByteArray, QByteArray>>& headers = {}, int timeoutMs = 70000);
    Response postJson(const QString& path, const QJsonObject& body,
                      const QList<QPair<QByteArray, QByteArray>>& headers = {}, int timeoutMs = 70000);
    Response send(const QByteArray& method, const QString& path, const QByteArray& body,
                  const QList<QPair<QByteArray, QByteArray>>& headers, int timeoutMs);

    // Polls GET path until `done(response)` or the deadline; returns the last response.
    template<class Predicate> Response pollUntil(const QString& path, Predicate done, int timeoutMs = 30000);

private:
    QUrl m_base;
    QByteArray m_token;
    QNetworkAccessManager m_network;
};

} // namespace mmf

#include <QDeadlineTimer>
#include <QTest>

template<class Predicate>
mmf::TestHttpClient::Response mmf::TestHttpClient::pollUntil(const QString& path, Predicate done,
                                                             int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    Response response;
    while (!deadline.hasExpired()) {
        response = get(path);
        if (done(response))
            return response;
        QTest::qWait(50);
    }
    return response;
}
