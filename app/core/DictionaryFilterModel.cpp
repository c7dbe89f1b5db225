#include "core/DictionaryFilterModel.h"

#include "core/DictionaryModel.h"

namespace mmf::studio {

DictionaryFilterModel::DictionaryFilterModel(QObject* parent)
    : QSortFilterProxyModel(parent)
{}

void DictionaryFilterModel::setModelName(const QString& model)
{
    if (model == m_model)
        return;
    m_model = model;
    invalidateFilter();
}

void DictionaryFilterModel::setSearchText(const QString& text)
{
    if (text == m_text)
        return;
    m_text = text;
    m_words = text.toLower().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    invalidateFilter();
}

bool DictionaryFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (!m_model.isEmpty() && index.data(DictionaryModel::ModelRole).toString() != m_model)
        return false;
    if (m_words.isEmpty())
        return true;
    const QString text = index.data(DictionaryModel::SearchTextRole).toString();
    for (const QString& word : m_words)
        if (!text.contains(word))
            return false;
    return true;
}

} // namespace mmf::studio
