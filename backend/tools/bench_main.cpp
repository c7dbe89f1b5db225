// mmf-bench: load generator for the public API. All logic lives in mmf_tools (BenchRunner).
#include "core/ServiceEventLoop.h"
#include "tools/BenchRunner.h"

#include <QCoreApplication>

int main(int argc, char* argv[])
{
    mmf::ServiceEventLoop::prepare();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("mmf-bench"));
    return mmf::BenchRunner::exec(QCoreApplication::arguments().mid(1),
                                  QProcessEnvironment::systemEnvironment());
}
