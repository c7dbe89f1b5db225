#pragma once

#include "worker/TaskContext.h"

#include <QList>
#include <QStringList>

namespace mmf {

// A TaskContext for unit tests of a model's process(): records the log lines and progress it reports, can be
// cancelled by the test, and refuses calls to other models (unavailable).
class FakeTaskContext final : public TaskContext
{
public:
    QString taskId() const override { return QStringLiteral("t-1"); }
    int attempt() const override { return 1; }
    QString instanceName() const override { return QStringLiteral("test"); }
    void log(Level, const QString& text) override { lines << text; }
    void progress(double fraction, const QString&) override { fractions << fraction; }
    bool isCancelled() const override { return cancelled; }
    bool sleepFor(int) override { return !cancelled; }
    CallHandle call(const QString& model, const google::protobuf::Message& request) override;

    QStringList lines;
    QList<double> fractions;
    bool cancelled = false;
};

} // namespace mmf
