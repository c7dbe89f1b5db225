#include "core/ApiClient.h"
#include "core/EventStream.h"
#include "core/LanguageManager.h"
#include "core/Session.h"
#include "core/StudioContext.h"
#include "gui/MainWindow.h"

#include <QApplication>
#include <QSettings>

// The studio: everything lives in mmf_studio_core and mmf_studio_gui; main only wires them up.
int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("MMF"));
    QApplication::setApplicationName(QStringLiteral("mmf-studio"));
    QApplication::setApplicationDisplayName(QStringLiteral("MMF Studio"));
    QApplication::setApplicationVersion(QStringLiteral(MMF_STUDIO_VERSION));

    QSettings settings;
    mmf::studio::LanguageManager language(settings);
    language.restore();
    mmf::studio::ApiClient api;
    mmf::studio::Session session(api, settings);
    mmf::studio::EventStream events(api);
    mmf::studio::StudioContext context{api, session, events, settings};

    mmf::studio::MainWindow window(context);
    window.show();
    window.start();
    return app.exec();
}
