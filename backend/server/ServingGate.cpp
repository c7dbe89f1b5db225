#include "server/ServingGate.h"

#include "http/HttpServer.h"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcServer)

namespace mmf {

ServingGate::ServingGate(HttpServer& http, std::function<bool()> ready, int limitMs, QObject* parent)
    : QObject(parent)
    , m_http(http)
    , m_ready(std::move(ready))
{
    m_limit.setSingleShot(true);
    m_limit.setInterval(limitMs);
    connect(&m_limit, &QTimer::timeout, this, [this] {
        if (!m_holding)
            return;
        qCWarning(lcServer).noquote()
            << "Redis is not ready" << m_limit.interval() / 1000
            << "s after the start: serving; requests that need it get 503 until it is";
        open();
    });
}

void ServingGate::hold()
{
    if (m_ready()) { // nothing to wait for; serving() once the caller is listening
        QMetaObject::invokeMethod(this, &ServingGate::serving, Qt::QueuedConnection);
        return;
    }
    m_holding = true;
    m_http.holdAccepting(true);
    m_limit.start();
}

void ServingGate::check()
{
    if (m_holding && m_ready())
        open();
}

void ServingGate::open()
{
    m_holding = false;
    m_limit.stop();
    m_http.holdAccepting(false);
    emit serving();
}

} // namespace mmf
