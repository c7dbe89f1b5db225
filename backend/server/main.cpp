#include "core/ServiceEventLoop.h"
#include "server/ServerMain.h"

#include <QCoreApplication>

int main(int argc, char** argv)
{
    mmf::ServiceEventLoop::prepare();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("mmf-server"));
    return mmf::runServerMain(QCoreApplication::arguments().mid(1));
}
