#include "scaler/ScalingSpec.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QStringList>

namespace mmf {

namespace {

constexpr qint64 kMaxAmount = 1'000'000'000'000LL;

bool isResourceName(const QString& name)
{
    static const QRegularExpression re(QStringLiteral("^[a-z][a-z0-9_]{0,31}$"));
    return re.match(name).hasMatch();
}

bool isProjectName(const QString& name)
{
    static const QRegularExpression re(QStringLiteral("^[a-z][a-z0-9_-]{0,62}$"));
    return re.match(name).hasMatch();
}

Result<int> replicaCount(const QJsonValue& value, const QString& field)
{
    const double n = value.toDouble(-1);
    if (!value.isDouble() || n != double(qint64(n)) || n < 0 || n > ScalingSpec::kMaxReplicas)
        return Error::invalidArgument(QStringLiteral("%1 must be a whole number from 0 to %2")
                                          .arg(field)
                                          .arg(ScalingSpec::kMaxReplicas),
                                      field);
    return int(n);
}

Result<void> check(const ScalingSpec& spec)
{
    if (spec.max < spec.min)
        return Error::invalidArgument(QStringLiteral("max must not be below min"), QStringLiteral("max"));
    if (!spec.project.isEmpty() && !isProjectName(QString::fromUtf8(spec.project)))
        return Error::invalidArgument(QStringLiteral("project names match [a-z][a-z0-9_-]{0,62}"),
                                      QStringLiteral("project"));
    return {};
}

} // namespace

QJsonObject ScalingSpec::toJson(bool withCommand) const
{
    QJsonObject res;
    for (auto it = resources.cbegin(); it != resources.cend(); ++it)
        res.insert(QString::fromUtf8(it.key()), double(it.value()));
    QJsonObject out{{QStringLiteral("mode"), modeName()},
                    {QStringLiteral("min"), min},
                    {QStringLiteral("max"), max},
                    {QStringLiteral("resources"), res},
                    {QStringLiteral("tasks_per_replica"), tasksPerReplica},
                    {QStringLiteral("project"), QString::fromUtf8(project)}};
    if (withCommand && !command.isEmpty())
        out.insert(QStringLiteral("command"), command);
    return out;
}

Result<ScalingSpec> ScalingSpec::fromJson(const QJsonObject& json, bool allowCommand)
{
    static const QStringList known{QStringLiteral("mode"),    QStringLiteral("min"),
                                   QStringLiteral("max"),     QStringLiteral("resources"),
                                   QStringLiteral("project"), QStringLiteral("tasks_per_replica"),
                                   QStringLiteral("command")};
    for (auto it = json.constBegin(); it != json.constEnd(); ++it) {
        if (!known.contains(it.key()))
            return Error::invalidArgument(QStringLiteral("unknown field %1").arg(it.key()), it.key());
    }
    ScalingSpec spec;
    const QJsonValue mode = json.value(QStringLiteral("mode"));
    if (mode.isUndefined() || mode.toString() == u"static")
        spec.dynamic = false;
    else if (mode.toString() == u"dynamic")
        spec.dynamic = true;
    else
        return Error::invalidArgument(QStringLiteral("mode is static or dynamic"), QStringLiteral("mode"));
    if (json.contains(QStringLiteral("min"))) {
        Result<int> n = replicaCount(json.value(QStringLiteral("min")), QStringLiteral("min"));
        if (!n)
            return n.error();
        spec.min = *n;
    }
    if (json.contains(QStringLiteral("max"))) {
        Result<int> n = replicaCount(json.value(QStringLiteral("max")), QStringLiteral("max"));
        if (!n)
            return n.error();
        spec.max = *n;
    } else {
        spec.max = spec.dynamic ? qMax(spec.min, 1) : spec.min;
    }
    if (json.contains(QStringLiteral("tasks_per_replica"))) {
        Result<int> n = replicaCount(json.value(QStringLiteral("tasks_per_replica")),
                                     QStringLiteral("tasks_per_replica"));
        if (!n)
            return n.error();
        spec.tasksPerReplica = *n;
    }
    const QJsonValue resources = json.value(QStringLiteral("resources"));
    if (resources.isUndefined() || resources.isNull()) {
        spec.resources.insert("cpu", 1);
    } else if (!resources.isObject()) {
        return Error::invalidArgument(QStringLiteral("resources is an object of resource name to amount"),
                                      QStringLiteral("resources"));
    } else {
        const QJsonObject object = resources.toObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            const QString field = QStringLiteral("resources.") + it.key();
            if (!isResourceName(it.key()))
                return Error::invalidArgument(QStringLiteral("resource names match [a-z][a-z0-9_]{0,31}"),
                                              field);
            const double amount = it.value().toDouble(-1);
            if (!it.value().isDouble() || amount != double(qint64(amount)) || amount < 0 ||
                amount > double(kMaxAmount))
                return Error::invalidArgument(
                    QStringLiteral("%1 must be a whole number from 0 to 10^12").arg(field), field);
            spec.resources.insert(it.key().toUtf8(), qint64(amount));
        }
    }
    const QJsonValue project = json.value(QStringLiteral("project"));
    if (!project.isUndefined() && !project.isNull()) {
        if (!project.isString())
            return Error::invalidArgument(QStringLiteral("project is a string"), QStringLiteral("project"));
        spec.project = project.toString().toUtf8();
    }
    const QJsonValue command = json.value(QStringLiteral("command"));
    if (!command.isUndefined()) {
        if (!allowCommand)
            return Error::invalidArgument(
                QStringLiteral("command can only be set in the server's configuration file"),
                QStringLiteral("command"));
        spec.command = command.toString();
    }
    if (Result<void> ok = check(spec); !ok)
        return ok.error();
    return spec;
}

Result<ScalingSpec> ScalingSpec::fromConfigText(const QString& text)
{
    QJsonObject json;
    QJsonObject resources;
    for (const QString& token : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const qsizetype eq = token.indexOf(QLatin1Char(':'));
        if (eq <= 0)
            return Error::invalidArgument(QStringLiteral("expected key:value, got '%1'").arg(token));
        const QString key = token.left(eq);
        const QString value = token.mid(eq + 1);
        if (key == u"mode" || key == u"project" || key == u"command") {
            json.insert(key, value);
            continue;
        }
        bool ok = false;
        const qint64 n = value.toLongLong(&ok);
        if (!ok || n < 0)
            return Error::invalidArgument(
                QStringLiteral("%1: expected a whole number, got '%2'").arg(key, value));
        if (key == u"min" || key == u"max" || key == u"tasks_per_replica")
            json.insert(key, double(n));
        else
            resources.insert(key, double(n));
    }
    if (!resources.isEmpty())
        json.insert(QStringLiteral("resources"), resources);
    return fromJson(json, true);
}

} // namespace mmf
