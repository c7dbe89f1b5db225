#include "schema/DescriptorSet.h"

#include "schema/CachingTypeResolver.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <QCryptographicHash>
#include <QFile>
#include <QtDebug>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace gp = google::protobuf;

namespace mmf {

namespace {

// The gateway's body limit; a larger descriptor set is not something a model needs.
constexpr qsizetype kMaxSetBytes = 16 * 1024 * 1024;

QString qs(const std::string& s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

Error setError(const QString& message)
{
    return Error::invalidArgument(QStringLiteral("descriptor set: ") + message);
}

// Keeps the first error BuildFile reports; later ones usually follow from it.
class FirstErrorCollector final : public gp::DescriptorPool::ErrorCollector
{
public:
    void AddError(const std::string& filename, const std::string& elementName, const gp::Message*,
                  ErrorLocation, const std::string& message) override
    {
        if (m_message.isEmpty())
            m_message = qs(filename) + QStringLiteral(": ") +
                        (elementName.empty() ? QString() : qs(elementName) + QStringLiteral(": ")) +
                        qs(message);
    }
    QString m_message;
};

QByteArray serializeDeterministic(const gp::FileDescriptorSet& set)
{
    std::string out;
    {
        gp::io::StringOutputStream stream(&out);
        gp::io::CodedOutputStream coded(&stream);
        coded.SetSerializationDeterministic(true);
        set.SerializeToCodedStream(&coded);
    }
    return QByteArray::fromStdString(out);
}

} // namespace

struct DescriptorSet::Private
{
    // Declared before the factory and the resolver, which point into it.
    gp::DescriptorPool pool;
    // The files in dependency order (dependencies first; ties broken by name), as given (source info kept).
    gp::FileDescriptorSet files;
    std::unordered_map<std::string, int> indexByName;
    std::unique_ptr<gp::DynamicMessageFactory> factory;
    std::unique_ptr<CachingTypeResolver> resolver;
    QByteArray canonicalHash;
};

DescriptorSet::DescriptorSet()
    : d(std::make_unique<Private>())
{}

DescriptorSet::~DescriptorSet() = default;

Result<std::shared_ptr<const DescriptorSet>>
DescriptorSet::fromSerialized(const QByteArray& fileDescriptorSet)
{
    if (fileDescriptorSet.size() > kMaxSetBytes)
        return setError(QStringLiteral("larger than 16 MiB"));

    // Parse with an empty pool as the extension registry: option extensions (e.g. mmf.ui) stay unknown
    // fields, byte for byte as protoc wrote them, whether or not this binary links their generated code. The
    // canonical hash depends on that; BuildFile re-parses options, so descriptors still see known extensions.
    gp::FileDescriptorSet parsed;
    {
        gp::DescriptorPool noExtensions;
        gp::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(fileDescriptorSet.constData()),
                                    int(fileDescriptorSet.size()));
        in.SetExtensionRegistry(&noExtensions, nullptr);
        if (!parsed.MergeFromCodedStream(&in) || !in.ConsumedEntireMessage())
            return setError(QStringLiteral("not a serialized FileDescriptorSet"));
    }
    if (parsed.file_size() == 0)
        return setError(QStringLiteral("no files"));

    // Index by name; identical duplicates are dropped, conflicting ones refused.
    std::vector<gp::FileDescriptorProto*> files;
    std::unordered_map<std::string, int> byName;
    for (gp::FileDescriptorProto& file : *parsed.mutable_file()) {
        if (file.name().empty())
            return setError(QStringLiteral("a file has no name"));
        auto [it, inserted] = byName.emplace(file.name(), int(files.size()));
        if (!inserted) {
            if (files[it->second]->SerializeAsString() != file.SerializeAsString())
                return setError(qs(file.name()) + QStringLiteral(": listed twice with different contents"));
            continue;
        }
        files.push_back(&file);
    }

    // Well-known files a set left out (built without --include_imports) come from the compiled-in copies.
    std::vector<std::unique_ptr<gp::FileDescriptorProto>> added;
    for (size_t i = 0; i < files.size(); ++i) {
        for (const std::string& dep : files[i]->dependency()) {
            if (byName.count(dep))
                continue;
            const gp::FileDescriptor* known = dep.rfind("google/protobuf/", 0) == 0
                                                  ? gp::DescriptorPool::generated_pool()->FindFileByName(dep)
                                                  : nullptr;
            if (!known)
                return setError(qs(files[i]->name()) + QStringLiteral(": imports \"") + qs(dep) +
                                QStringLiteral("\", which the set does not contain"));
            auto copy = std::make_unique<gp::FileDescriptorProto>();
            known->CopyTo(copy.get());
            byName.emplace(dep, int(files.size()));
            files.push_back(copy.get());
            added.push_back(std::move(copy));
        }
    }

    // Dependency order by an iterative depth-first search (a hostile set cannot overflow the stack), roots
    // and ties in name order so the order - and the hash - do not depend on how the set listed its files.
    std::vector<int> roots(files.size());
    for (size_t i = 0; i < files.size(); ++i)
        roots[i] = int(i);
    std::sort(roots.begin(), roots.end(), [&](int a, int b) { return files[a]->name() < files[b]->name(); });
    enum : char
    {
        Unvisited,
        Active,
        Done
    };
    std::vector<char> state(files.size(), Unvisited);
    std::vector<int> order;
    order.reserve(files.size());
    std::vector<std::pair<int, int>> stack; // file, next dependency to visit
    for (int root : roots) {
        if (state[root] != Unvisited)
            continue;
        state[root] = Active;
        stack.emplace_back(root, 0);
        while (!stack.empty()) {
            auto& [file, next] = stack.back();
            const auto& deps = files[file]->dependency();
            if (next < deps.size()) {
                const int dep = byName.at(deps[next++]);
                if (state[dep] == Active)
                    return setError(qs(files[dep]->name()) + QStringLiteral(": import cycle"));
                if (state[dep] == Unvisited) {
                    state[dep] = Active;
                    stack.emplace_back(dep, 0); // invalidates file/next; the loop re-reads them
                }
                continue;
            }
            state[file] = Done;
            order.push_back(file);
            stack.pop_back();
        }
    }

    std::shared_ptr<DescriptorSet> set(new DescriptorSet);
    Private& p = *set->d;
    p.files.mutable_file()->Reserve(int(order.size()));
    for (int index : order) {
        p.indexByName.emplace(files[index]->name(), p.files.file_size());
        p.files.add_file()->Swap(files[index]);
    }

    for (const gp::FileDescriptorProto& file : p.files.file()) {
        FirstErrorCollector errors;
        if (!p.pool.BuildFileCollectingErrors(file, &errors))
            return setError(errors.m_message.isEmpty() ? qs(file.name()) + QStringLiteral(": does not build")
                                                       : errors.m_message);
    }

    p.factory = std::make_unique<gp::DynamicMessageFactory>(&p.pool);
    p.resolver = std::make_unique<CachingTypeResolver>(&p.pool);

    gp::FileDescriptorSet stripped = p.files;
    for (gp::FileDescriptorProto& file : *stripped.mutable_file())
        file.clear_source_code_info();
    p.canonicalHash =
        QCryptographicHash::hash(serializeDeterministic(stripped), QCryptographicHash::Sha256).toHex();

    set->m_serialized = fileDescriptorSet;
    return std::shared_ptr<const DescriptorSet>(std::move(set));
}

std::shared_ptr<const DescriptorSet> DescriptorSet::builtin()
{
    // Built once per process on first use (thread-safe static); immutable afterwards.
    static const std::shared_ptr<const DescriptorSet> set = []() -> std::shared_ptr<const DescriptorSet> {
        QFile file(QStringLiteral(":/mmf/descriptors.pb"));
        if (!file.open(QIODevice::ReadOnly)) {
            qCritical("mmf: the embedded descriptor set :/mmf/descriptors.pb is missing");
            return nullptr;
        }
        auto result = fromSerialized(file.readAll());
        if (!result) {
            qCritical("mmf: the embedded descriptor set does not build: %s",
                      qPrintable(result.error().message));
            return nullptr;
        }
        return std::move(result).value();
    }();
    return set;
}

const gp::Descriptor* DescriptorSet::findMessage(QStringView fullName) const
{
    return d->pool.FindMessageTypeByName(fullName.toUtf8().toStdString());
}

const gp::Message* DescriptorSet::prototype(const gp::Descriptor* type) const
{
    if (!type || type->file()->pool() != &d->pool)
        return nullptr;
    return d->factory->GetPrototype(type);
}

Result<QByteArray> DescriptorSet::subsetFor(const QStringList& typeNames) const
{
    std::vector<bool> needed(size_t(d->files.file_size()), false);
    std::vector<const gp::FileDescriptor*> pending;
    for (const QString& name : typeNames) {
        const std::string fullName = name.toStdString();
        const gp::FileDescriptor* file = nullptr;
        if (const auto* message = d->pool.FindMessageTypeByName(fullName))
            file = message->file();
        else if (const auto* enumType = d->pool.FindEnumTypeByName(fullName))
            file = enumType->file();
        else
            return Error::invalidArgument(QStringLiteral("descriptor set has no type \"%1\"").arg(name));
        pending.push_back(file);
    }
    while (!pending.empty()) {
        const gp::FileDescriptor* file = pending.back();
        pending.pop_back();
        const int index = d->indexByName.at(file->name());
        if (needed[size_t(index)])
            continue;
        needed[size_t(index)] = true;
        for (int i = 0; i < file->dependency_count(); ++i)
            pending.push_back(file->dependency(i));
    }

    gp::FileDescriptorSet subset;
    for (int i = 0; i < d->files.file_size(); ++i) {
        if (needed[size_t(i)])
            *subset.add_file() = d->files.file(i);
    }
    return serializeDeterministic(subset);
}

QByteArray DescriptorSet::canonicalHash() const
{
    return d->canonicalHash;
}

const gp::DescriptorPool* DescriptorSet::pool() const
{
    return &d->pool;
}

gp::util::TypeResolver* DescriptorSet::typeResolver() const
{
    return d->resolver.get();
}

} // namespace mmf
