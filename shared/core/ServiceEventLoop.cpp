#include "core/ServiceEventLoop.h"

#include "core/EpollEventDispatcher.h"

#include <QCoreApplication>

#include <cstdio>

namespace mmf {

void ServiceEventLoop::prepare()
{
    preferPollDispatcher();
    if (std::unique_ptr<QAbstractEventDispatcher> dispatcher =
            mainDispatcher(qgetenv("MMF_EVENT_DISPATCHER")))
        QCoreApplication::setEventDispatcher(dispatcher.release()); // the application takes it
}

void ServiceEventLoop::preferPollDispatcher()
{
    // Qt reads this variable whenever it creates a thread's event dispatcher (the main thread's in
    // QCoreApplication, others in QThread::start); setting it is the supported way to choose.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", QByteArrayLiteral("1"));
}

std::unique_ptr<QAbstractEventDispatcher> ServiceEventLoop::mainDispatcher(const QByteArray& choice)
{
    if (choice == "qt")
        return nullptr;
    if (!choice.isEmpty() && choice != "epoll") {
        // Before QCoreApplication: no logging categories yet, so plainly to stderr.
        std::fprintf(stderr, "warning: MMF_EVENT_DISPATCHER=%s is not epoll or qt; using Qt's dispatcher\n",
                     choice.constData());
        return nullptr;
    }
    auto dispatcher = std::make_unique<EpollEventDispatcher>();
    if (!dispatcher->isValid())
        return nullptr;
    return dispatcher;
}

} // namespace mmf
