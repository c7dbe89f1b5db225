#include "core/ServiceEventLoop.h"

#include <QByteArray>

namespace mmf {

void ServiceEventLoop::preferPollDispatcher()
{
    // Qt reads this variable whenever it creates a thread's event dispatcher (the main thread's in
    // QCoreApplication, others in QThread::start); setting it is the supported way to choose.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", QByteArrayLiteral("1"));
}

} // namespace mmf
