#include "exec/ExecModels.h"

#include "exec/ExecModel.h"
#include "exec/ExecPerTaskModel.h"
#include "exec/ExecSchema.h"
#include "worker/WorkerOptions.h"

#include <QDir>
#include <QFileInfo>

namespace mmf {

QString ExecModels::pythonHelperDir()
{
    for (const QString& dir : QString::fromUtf8(MMF_PYTHON_DIRS).split(u':', Qt::SkipEmptyParts))
        if (QFileInfo::exists(dir + QStringLiteral("/mmf_model.py")))
            return dir;
    return {};
}

Result<std::unique_ptr<ModelBase>> ExecModels::create(const WorkerOptions& options,
                                                      const QHash<QString, QString>& environment)
{
    Result<std::shared_ptr<const ExecSchema>> schema =
        ExecSchema::load(options.protoFile, options.protoPaths, options.requestType, options.responseType);
    if (!schema)
        return schema.error();

    ExecSettings settings;
    settings.command = options.execCommand.isEmpty() ? options.execPerTaskCommand : options.execCommand;
    settings.cancelGraceMs = int(options.cancelGraceSecs * 1000);
    settings.taskTimeoutMs = int(qMin(options.taskTimeoutSecs * 1000, 2e9));
    settings.environment = environment;
    settings.environment.remove(QStringLiteral("MMF_TOKEN"));
    if (const QString helper = pythonHelperDir(); !helper.isEmpty()) {
        const QString path = settings.environment.value(QStringLiteral("PYTHONPATH"));
        settings.environment.insert(QStringLiteral("PYTHONPATH"),
                                    path.isEmpty() ? helper : helper + u':' + path);
    }
    // No __pycache__ folders written beside the model's files (or into the source tree, in a build).
    if (!settings.environment.contains(QStringLiteral("PYTHONDONTWRITEBYTECODE")))
        settings.environment.insert(QStringLiteral("PYTHONDONTWRITEBYTECODE"), QStringLiteral("1"));

    if (!options.execCommand.isEmpty()) {
        // Never more at once than the worker holds; the process is told how many (mmf_model sizes its
        // threads by it).
        settings.tasksPerProcess = qMin(options.tasksPerProcess, options.concurrency);
        settings.environment.insert(QStringLiteral("MMF_TASKS_PER_PROCESS"),
                                    QString::number(settings.tasksPerProcess));
        const int processes = (options.concurrency + settings.tasksPerProcess - 1) / settings.tasksPerProcess;
        return std::unique_ptr<ModelBase>(
            std::make_unique<ExecModel>(*schema, settings, options.describe ? 0 : processes));
    }
    return std::unique_ptr<ModelBase>(std::make_unique<ExecPerTaskModel>(*schema, settings));
}

} // namespace mmf
