#pragma once

#include <QSortFilterProxyModel>
#include <QStringList>

namespace mmf::studio {

// Filters a DictionaryModel: rows of one model (or all when empty) whose texts contain every word of the
// search (case-insensitive; any column: model, message, field path, type, allowed values, description).
class DictionaryFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit DictionaryFilterModel(QObject* parent = nullptr);

    void setModelName(const QString& model);
    QString modelName() const { return m_model; }
    void setSearchText(const QString& text);
    QString searchText() const { return m_text; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_model;
    QString m_text;
    QStringList m_words;
};

} // namespace mmf::studio
