#include "gui/editors/GridFieldEditor.h"

#include "gui/editors/EditorIndex.h"
#include "gui/editors/ValueEditor.h"

#include <QHeaderView>
#include <QJsonArray>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace mmf::studio {

namespace {
constexpr int kCell = 30;
constexpr int kDefaultRows = 8;
} // namespace

GridFieldEditor::GridFieldEditor(const FormField& field, const QString& path, EditorIndex& index,
                                 QWidget* parent)
    : FieldEditor(field, path, parent)
{
    setObjectName(QStringLiteral("row_") + path);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    const int columns = field.ui.columns;
    // A square grid unless the field says otherwise: rows as many as columns (8x8 for digits).
    const int rows = columns > 0 ? columns : kDefaultRows;
    m_table = new QTableWidget(rows, columns, this);
    m_table->setObjectName(QStringLiteral("field_") + path);
    m_table->setProperty("help", field.help);
    m_table->setToolTip(field.help);
    index.add(path, m_table);
    m_table->horizontalHeader()->hide();
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->horizontalHeader()->setDefaultSectionSize(kCell);
    m_table->verticalHeader()->setDefaultSectionSize(kCell);
    m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->setFixedSize(columns * kCell + 2 * m_table->frameWidth(),
                          rows * kCell + 2 * m_table->frameWidth());
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < columns; ++c) {
            auto* item = new QTableWidgetItem;
            item->setTextAlignment(Qt::AlignCenter);
            m_table->setItem(r, c, item);
        }
    layout->addWidget(m_table, 0, Qt::AlignLeft);
    connect(m_table, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
        if (m_loading)
            return;
        shade(item);
        emit edited();
    });
}

void GridFieldEditor::shade(QTableWidgetItem* item) const
{
    bool ok = false;
    const double value = item->text().trimmed().toDouble(&ok);
    const double low = m_field.ui.min.value_or(0);
    const double high = m_field.ui.max.value_or(1);
    if (!ok || item->text().trimmed().isEmpty() || high <= low) {
        item->setBackground(QBrush());
        item->setForeground(QBrush());
        return;
    }
    const double share = std::clamp((value - low) / (high - low), 0.0, 1.0);
    const int grey = 255 - int(share * 255);
    item->setBackground(QColor(grey, grey, grey));
    item->setForeground(grey < 128 ? QColor(Qt::white) : QColor(Qt::black));
}

Result<void> GridFieldEditor::collect(QJsonObject& into) const
{
    FormField element = m_field;
    element.repeated = false;
    QJsonArray values;
    int lastFilled = -1;
    QList<QJsonValue> cells;
    for (int r = 0; r < m_table->rowCount(); ++r)
        for (int c = 0; c < m_table->columnCount(); ++c) {
            const QString text = m_table->item(r, c)->text().trimmed();
            Result<QJsonValue> parsed = FormModel::parseScalar(element, text);
            if (!parsed) {
                Error error = parsed.error();
                error.field = m_path + QStringLiteral("[%1]").arg(r * m_table->columnCount() + c);
                FieldEditor::flag(m_table, error.message);
                return error;
            }
            if (!parsed->isUndefined())
                lastFilled = int(cells.size());
            cells.append(parsed->isUndefined() ? FormModel::defaultValue(element) : *parsed);
        }
    FieldEditor::unflag(m_table);
    for (int i = 0; i <= lastFilled; ++i)
        values.append(cells[i]);
    if (!values.isEmpty())
        into.insert(m_field.name, values);
    return {};
}

void GridFieldEditor::load(const QJsonObject& from)
{
    m_loading = true;
    const QJsonArray values = from.value(m_field.name).toArray();
    const int columns = m_table->columnCount();
    for (int r = 0; r < m_table->rowCount(); ++r)
        for (int c = 0; c < columns; ++c) {
            QTableWidgetItem* item = m_table->item(r, c);
            const qsizetype i = qsizetype(r) * columns + c;
            item->setText(i < values.size() ? textOfJson(values.at(i)) : QString());
            shade(item);
        }
    m_loading = false;
}

} // namespace mmf::studio
