#pragma once

#include "worker/Model.h"

#include <QStringList>

#include <memory>

namespace mmf::BuiltinModels {

// Names of the models that ship with MMF (`mmf-worker --model NAME`).
QStringList names();
// A new instance of the named built-in model, or nullptr for an unknown name.
std::unique_ptr<ModelBase> create(QStringView name);

} // namespace mmf::BuiltinModels
