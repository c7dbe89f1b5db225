#pragma once

#include "core/Result.h"

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QStringList>

#include <optional>
#include <vector>

namespace mmf::studio {

class ModelSchema;
struct FormField;

// One field of a model's request or response, as the glossary shows it.
struct DictionaryEntry
{
    enum Part
    {
        Request,
        Response,
    };
    QString model;
    Part part = Request;
    QString path; // proto field names joined by '.', e.g. "point.x"; map values as "counts.*.x"
    QString type; // proto spelling: "int32", "repeated Point", "map<string, int32>", "enum Color", "optional
                  // string"
    QString typeName; // full name of the message or enum type, if any
    QStringList enumValues;
    QStringList enumComments; // one per enum value (may be empty strings)
    std::optional<double> min;
    std::optional<double> max;
    QString unit;
    QString oneof; // the oneof group a member belongs to
    QString description;
};

// Every field of every known model's request and response (nested messages flattened to paths), with their
// types, allowed values (enum values, (mmf.ui) min/max/unit) and descriptions from the proto comments. Rows
// stay sorted by model, then request before response, then declaration order. Texts made here follow the
// current language: call retranslate() on QEvent::LanguageChange.
class DictionaryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        ModelColumn,
        PartColumn,
        PathColumn,
        TypeColumn,
        AllowedColumn,
        DescriptionColumn,
        ColumnCount
    };
    enum Role
    {
        ModelRole = Qt::UserRole + 1, // the model's name
        PathRole,                     // the field path
        PartRole,                     // DictionaryEntry::Part as int
        SearchTextRole,               // every column's text joined, lower-case: what the filter matches
    };

    explicit DictionaryModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Replaces the rows of the schema's model with its request and response fields.
    void setModel(const ModelSchema& schema);
    // The same from GET /api/v1/models/{name}'s body; invalid_argument (rows unchanged) when it has no usable
    // descriptor set.
    Result<void> setModelFromJson(const QJsonObject& model);
    void removeModel(const QString& model);
    void clear();
    QStringList models() const;

    const DictionaryEntry& entry(int row) const { return m_entries[size_t(row)]; }
    // The row of a field (the request's first, then the response's); -1 when unknown.
    int rowOf(const QString& model, const QString& path) const;
    int rowOf(const QString& model, DictionaryEntry::Part part, const QString& path) const;

    // "Request" / "Response" in the current language.
    static QString partText(DictionaryEntry::Part part);
    // Allowed values in the current language ("RED, GREEN, BLUE"; "0 … 100 ms"; "one of “choice”"); empty
    // when any value of the type is allowed.
    static QString allowedText(const DictionaryEntry& entry);
    // The flattened entries of one message (for tests and the form's help).
    static std::vector<DictionaryEntry> entriesFor(const QString& model, DictionaryEntry::Part part,
                                                   const std::vector<FormField>& fields);

    void retranslate();

private:
    std::vector<DictionaryEntry> m_entries;
};

} // namespace mmf::studio
