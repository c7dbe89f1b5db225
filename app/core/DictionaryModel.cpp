#include "core/DictionaryModel.h"

#include "core/FormModel.h"
#include "core/ModelSchema.h"

#include <google/protobuf/descriptor.h>

#include <QSet>

#include <algorithm>

namespace gp = google::protobuf;

namespace mmf::studio {

namespace {

QString shortName(const QString& fullName)
{
    const qsizetype dot = fullName.lastIndexOf(QLatin1Char('.'));
    return dot < 0 ? fullName : fullName.mid(dot + 1);
}

// The field's type as a .proto file spells it.
QString protoType(const FormField& field)
{
    const gp::FieldDescriptor* descriptor = field.descriptor;
    if (!descriptor)
        return field.typeName.isEmpty() ? QString() : shortName(field.typeName);
    if (field.isMap && field.children.size() == 2)
        return QStringLiteral("map<%1, %2>").arg(protoType(field.children[0]), protoType(field.children[1]));
    QString base;
    if (descriptor->type() == gp::FieldDescriptor::TYPE_ENUM)
        base =
            QStringLiteral("enum ") + shortName(QString::fromStdString(descriptor->enum_type()->full_name()));
    else if (descriptor->type() == gp::FieldDescriptor::TYPE_MESSAGE ||
             descriptor->type() == gp::FieldDescriptor::TYPE_GROUP)
        base = shortName(QString::fromStdString(descriptor->message_type()->full_name()));
    else
        base = QString::fromLatin1(descriptor->type_name());
    if (field.repeated)
        return QStringLiteral("repeated ") + base;
    if (descriptor->has_optional_keyword())
        return QStringLiteral("optional ") + base;
    return base;
}

void flatten(const QString& model, DictionaryEntry::Part part, const std::vector<FormField>& fields,
             const QString& prefix, const QString& oneof, QSet<QString>& typeStack,
             std::vector<DictionaryEntry>& out)
{
    for (const FormField& field : fields) {
        if (field.kind == FormField::Oneof) {
            flatten(model, part, field.children, prefix, field.name, typeStack, out);
            continue;
        }
        DictionaryEntry entry;
        entry.model = model;
        entry.part = part;
        entry.path = prefix.isEmpty() ? field.name : prefix + QLatin1Char('.') + field.name;
        entry.type = protoType(field);
        entry.typeName = field.typeName;
        entry.enumValues = field.enumValues;
        entry.min = field.ui.min;
        entry.max = field.ui.max;
        entry.unit = field.ui.unit;
        entry.oneof = oneof;
        entry.description = field.help;
        const FormField* shape = &field;
        QString childPrefix = entry.path;
        if (field.isMap && field.children.size() == 2) {
            shape = &field.children[1];
            childPrefix += QStringLiteral(".*");
            entry.enumValues = shape->enumValues;
        }
        if (shape->kind == FormField::Enum && shape->descriptor) {
            if (const gp::EnumDescriptor* type = shape->descriptor->enum_type()) {
                for (int i = 0; i < type->value_count(); ++i) {
                    gp::SourceLocation location;
                    entry.enumComments.append(
                        type->value(i)->GetSourceLocation(&location)
                            ? QString::fromStdString(location.leading_comments).simplified()
                            : QString());
                }
            }
        }
        out.push_back(entry);
        // A type that contains itself is listed once, at its first level.
        if (shape->kind == FormField::Message && !shape->children.empty() &&
            !typeStack.contains(shape->typeName)) {
            typeStack.insert(shape->typeName);
            flatten(model, part, shape->children, childPrefix, {}, typeStack, out);
            typeStack.remove(shape->typeName);
        }
    }
}

QString number(double value)
{
    return QString::number(value, 'g', 15);
}

} // namespace

DictionaryModel::DictionaryModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

int DictionaryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int DictionaryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DictionaryModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_entries.size()))
        return {};
    const DictionaryEntry& e = m_entries[size_t(index.row())];
    switch (role) {
    case ModelRole:
        return e.model;
    case PathRole:
        return e.path;
    case PartRole:
        return int(e.part);
    case SearchTextRole:
        return QStringList{e.model, partText(e.part), e.path, e.type, allowedText(e), e.description}
            .join(QLatin1Char('\n'))
            .toLower();
    case Qt::DisplayRole:
        switch (index.column()) {
        case ModelColumn:
            return e.model;
        case PartColumn:
            return partText(e.part);
        case PathColumn:
            return e.path;
        case TypeColumn:
            return e.type;
        case AllowedColumn:
            return allowedText(e);
        case DescriptionColumn:
            return e.description;
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == TypeColumn && !e.typeName.isEmpty())
            return e.typeName;
        if (index.column() == AllowedColumn && !e.enumValues.isEmpty()) {
            QStringList lines;
            for (qsizetype i = 0; i < e.enumValues.size(); ++i) {
                const QString comment = e.enumComments.value(i);
                lines.append(comment.isEmpty() ? e.enumValues[i]
                                               : e.enumValues[i] + QStringLiteral(" — ") + comment);
            }
            return lines.join(QLatin1Char('\n'));
        }
        if (index.column() == DescriptionColumn)
            return e.description;
        return {};
    }
    return {};
}

QVariant DictionaryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ModelColumn:
        return tr("Model");
    case PartColumn:
        return tr("Message");
    case PathColumn:
        return tr("Field");
    case TypeColumn:
        return tr("Type");
    case AllowedColumn:
        return tr("Allowed values");
    case DescriptionColumn:
        return tr("Description");
    }
    return {};
}

void DictionaryModel::setModel(const ModelSchema& schema)
{
    const QString name = schema.name();
    std::vector<DictionaryEntry> fresh =
        entriesFor(name, DictionaryEntry::Request, FormModel::describe(schema.request()));
    std::vector<DictionaryEntry> response =
        entriesFor(name, DictionaryEntry::Response, FormModel::describe(schema.response()));
    fresh.insert(fresh.end(), std::make_move_iterator(response.begin()),
                 std::make_move_iterator(response.end()));

    beginResetModel();
    std::erase_if(m_entries, [&](const DictionaryEntry& e) { return e.model == name; });
    // Models stay in name order; the new block goes where its name sorts.
    const auto at = std::find_if(m_entries.begin(), m_entries.end(),
                                 [&](const DictionaryEntry& e) { return e.model > name; });
    m_entries.insert(at, std::make_move_iterator(fresh.begin()), std::make_move_iterator(fresh.end()));
    endResetModel();
}

Result<void> DictionaryModel::setModelFromJson(const QJsonObject& model)
{
    auto schema = ModelSchema::fromJson(model);
    if (!schema)
        return schema.error();
    setModel(**schema);
    return {};
}

void DictionaryModel::removeModel(const QString& model)
{
    beginResetModel();
    std::erase_if(m_entries, [&](const DictionaryEntry& e) { return e.model == model; });
    endResetModel();
}

void DictionaryModel::clear()
{
    beginResetModel();
    m_entries.clear();
    endResetModel();
}

QStringList DictionaryModel::models() const
{
    QStringList out;
    for (const DictionaryEntry& e : m_entries)
        if (out.isEmpty() || out.last() != e.model)
            out.append(e.model);
    return out;
}

int DictionaryModel::rowOf(const QString& model, const QString& path) const
{
    const int row = rowOf(model, DictionaryEntry::Request, path);
    return row >= 0 ? row : rowOf(model, DictionaryEntry::Response, path);
}

int DictionaryModel::rowOf(const QString& model, DictionaryEntry::Part part, const QString& path) const
{
    for (size_t i = 0; i < m_entries.size(); ++i) {
        const DictionaryEntry& e = m_entries[i];
        if (e.model == model && e.part == part && e.path == path)
            return int(i);
    }
    return -1;
}

QString DictionaryModel::partText(DictionaryEntry::Part part)
{
    return part == DictionaryEntry::Request ? tr("Request") : tr("Response");
}

QString DictionaryModel::allowedText(const DictionaryEntry& e)
{
    QStringList parts;
    if (!e.enumValues.isEmpty())
        parts.append(e.enumValues.join(QStringLiteral(", ")));
    if (e.min && e.max)
        parts.append(tr("from %1 to %2").arg(number(*e.min), number(*e.max)));
    else if (e.min)
        parts.append(tr("at least %1").arg(number(*e.min)));
    else if (e.max)
        parts.append(tr("at most %1").arg(number(*e.max)));
    if (!e.unit.isEmpty())
        parts.append(tr("unit: %1").arg(e.unit));
    const QString base = e.type.section(QLatin1Char(' '), -1);
    if (base == QLatin1String("Timestamp"))
        parts.append(tr("RFC 3339 time, e.g. 2026-01-31T12:00:00Z"));
    else if (base == QLatin1String("Duration"))
        parts.append(tr("seconds with an \"s\" suffix, e.g. 1.5s"));
    else if (base == QLatin1String("bytes"))
        parts.append(tr("base64 in JSON"));
    else if (base.endsWith(QLatin1String("int64")) || base.endsWith(QLatin1String("fixed64")))
        parts.append(tr("a string in JSON"));
    else if (base == QLatin1String("bool"))
        parts.append(QStringLiteral("true, false"));
    if (!e.oneof.isEmpty())
        parts.append(tr("one of “%1”: set at most one").arg(e.oneof));
    return parts.join(QStringLiteral("; "));
}

std::vector<DictionaryEntry> DictionaryModel::entriesFor(const QString& model, DictionaryEntry::Part part,
                                                         const std::vector<FormField>& fields)
{
    std::vector<DictionaryEntry> out;
    QSet<QString> typeStack;
    flatten(model, part, fields, {}, {}, typeStack, out);
    return out;
}

void DictionaryModel::retranslate()
{
    emit headerDataChanged(Qt::Horizontal, 0, ColumnCount - 1);
    if (!m_entries.empty())
        emit dataChanged(index(0, 0), index(int(m_entries.size()) - 1, ColumnCount - 1));
}

} // namespace mmf::studio
