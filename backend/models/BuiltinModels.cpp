#include "models/BuiltinModels.h"

#include "models/ArithModel.h"
#include "models/CalcModel.h"
#include "models/EchoModel.h"
#include "models/vision/DigitsModel.h"
#include "models/vision/ImageModel.h"

namespace mmf::BuiltinModels {

namespace {

struct Entry
{
    const char* name;
    std::unique_ptr<ModelBase> (*create)();
};

template<class T> std::unique_ptr<ModelBase> make()
{
    return std::make_unique<T>();
}

// One line per model.
constexpr Entry kModels[] = {
    {"echo", &make<EchoModel>},     {"calc", &make<CalcModel>},   {"arith", &make<ArithModel>},
    {"digits", &make<DigitsModel>}, {"image", &make<ImageModel>},
};

} // namespace

QStringList names()
{
    QStringList list;
    for (const Entry& entry : kModels)
        list.append(QString::fromLatin1(entry.name));
    return list;
}

std::unique_ptr<ModelBase> create(QStringView name)
{
    for (const Entry& entry : kModels) {
        if (name == QLatin1String(entry.name))
            return entry.create();
    }
    return nullptr;
}

} // namespace mmf::BuiltinModels
