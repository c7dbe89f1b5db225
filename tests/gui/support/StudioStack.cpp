#include "StudioStack.h"

#include "gui/MainWindow.h"

#include <QTest>

namespace mmf::studio {

StudioStack::StudioStack()
    : m_settings(m_settingsDir.filePath(QStringLiteral("studio.ini")), QSettings::IniFormat)
    , m_session(m_api, m_settings)
    , m_events(m_api)
    , m_context{m_api, m_session, m_events, m_settings}
{
    m_events.setBackoff(100, 1000);
}

StudioStack::~StudioStack() = default;

MainWindow* StudioStack::makeWindow()
{
    m_window = std::make_unique<MainWindow>(m_context);
    m_window->setSignInPrompts(false);
    m_window->resize(1400, 900);
    return m_window.get();
}

bool StudioStack::showWindow()
{
    if (!m_window)
        return false;
    m_window->show();
    return QTest::qWaitForWindowExposed(m_window.get());
}

} // namespace mmf::studio
