#pragma once

#include "core/ApiClient.h"
#include "core/EventStream.h"
#include "core/Session.h"
#include "core/StudioContext.h"

#include <QSettings>
#include <QTemporaryDir>

#include <memory>

namespace mmf::studio {

class MainWindow;

// The studio as mmf-studio assembles it — its settings in a file of a temporary folder, the API client, the
// session, the event stream (reconnecting after 0.1 s, at most 1 s apart) — and its main window, for tests
// that drive the real widgets. Destroyed window first.
class StudioStack
{
public:
    StudioStack();
    ~StudioStack();
    StudioStack(const StudioStack&) = delete;
    StudioStack& operator=(const StudioStack&) = delete;

    bool isValid() const { return m_settingsDir.isValid(); }
    ApiClient& api() { return m_api; }
    Session& session() { return m_session; }
    EventStream& events() { return m_events; }
    QSettings& settings() { return m_settings; }

    // The main window as the studio opens it (no sign-in prompts), 1400 × 900, not shown yet.
    MainWindow* makeWindow();
    // Shows the window made; false when it was not exposed in time.
    bool showWindow();

private:
    QTemporaryDir m_settingsDir;
    QSettings m_settings;
    ApiClient m_api;
    Session m_session;
    EventStream m_events;
    StudioContext m_context;
    std::unique_ptr<MainWindow> m_window;
};

} // namespace mmf::studio
