// mmfctl: the command-line client of the public API. All logic lives in mmf_tools (CtlApp).
#include "tools/CtlApp.h"

#include <QCoreApplication>

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("mmfctl"));
    return mmf::CtlApp::exec(QCoreApplication::arguments().mid(1), QProcessEnvironment::systemEnvironment());
}
