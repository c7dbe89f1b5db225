#pragma once

#include <QSettings>

namespace mmf::studio {

class ApiClient;
class Session;
class EventStream;

// What every studio page needs, owned by main() (or a test) and outliving every page. Pages are built as
// `Page(StudioContext& context, QWidget* parent)`. MainWindow adds the pages of app/gui/DashboardPage.h,
// ModelDetailsPage.h, DictionaryPage.h and SettingsPage.h when those headers exist; a page that has a slot
// `showModel(const QString&)` is told which model the user opened.
// The studio's classes live in mmf::studio (mmf::ApiClient is mmfctl's, in mmf_tools).
struct StudioContext
{
    ApiClient& api;
    Session& session;
    EventStream& events;
    QSettings& settings;
};

} // namespace mmf::studio
