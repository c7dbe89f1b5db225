#pragma once

#include <QLoggingCategory>

namespace mmf {

// The worker runtime's log category ("mmf.worker"); output goes to stderr. Never log tokens or passwords.
Q_DECLARE_LOGGING_CATEGORY(lcWorker)

} // namespace mmf
