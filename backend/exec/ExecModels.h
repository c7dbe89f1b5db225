#pragma once

#include "core/Result.h"

#include <QHash>
#include <QString>

#include <memory>

namespace mmf {

class ModelBase;
struct WorkerOptions;

// Builds the model mmf-worker --exec / --exec-per-task hosts.
namespace ExecModels {

// Compiles --proto and prepares the processes' environment: `environment` (the worker's) without MMF_TOKEN
// (model code never sees the worker's token), with the folder of the Python helper (mmf_model.py) first on
// PYTHONPATH, and PYTHONDONTWRITEBYTECODE=1 unless set. invalid_argument naming the file and line of a .proto
// error, or the missing type.
Result<std::unique_ptr<ModelBase>> create(const WorkerOptions& options,
                                          const QHash<QString, QString>& environment);

// The folder that holds mmf_model.py (the source tree's in a build, share/mmf/python when installed); empty
// when neither exists.
QString pythonHelperDir();

} // namespace ExecModels
} // namespace mmf
