#include "gui/DictionaryPage.h"

#include "core/ApiClient.h"
#include "core/DictionaryFilterModel.h"
#include "core/DictionaryModel.h"
#include "core/ErrorText.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QUrl>
#include <QUrlQuery>
#include <QVBoxLayout>

#include <utility>

namespace mmf::studio {

DictionaryPage::DictionaryPage(StudioContext& context, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_model(new DictionaryModel(this))
    , m_filter(new DictionaryFilterModel(this))
    , m_title(new QLabel(this))
    , m_search(new QLineEdit(this))
    , m_modelCombo(new QComboBox(this))
    , m_reload(new QPushButton(this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
    , m_table(new QTableView(m_splitter))
    , m_details(new QTextBrowser(m_splitter))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("dictionaryPage"));
    m_title->setObjectName(QStringLiteral("dictionaryTitle"));
    m_search->setObjectName(QStringLiteral("dictionarySearch"));
    m_modelCombo->setObjectName(QStringLiteral("dictionaryModelCombo"));
    m_reload->setObjectName(QStringLiteral("dictionaryReload"));
    m_table->setObjectName(QStringLiteral("dictionaryTable"));
    m_details->setObjectName(QStringLiteral("dictionaryDetails"));
    m_status->setObjectName(QStringLiteral("dictionaryStatus"));
    m_splitter->setObjectName(QStringLiteral("dictionarySplitter"));

    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setWordWrap(true);

    m_filter->setSourceModel(m_model);
    m_table->setModel(m_filter);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->setColumnWidth(DictionaryModel::ModelColumn, 80);
    m_table->setColumnWidth(DictionaryModel::PartColumn, 90);
    m_table->setColumnWidth(DictionaryModel::PathColumn, 170);
    m_table->setColumnWidth(DictionaryModel::TypeColumn, 150);
    m_table->setColumnWidth(DictionaryModel::AllowedColumn, 210);
    m_details->setOpenExternalLinks(false);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 1);
    m_search->setClearButtonEnabled(true);
    m_modelCombo->addItem(QString(), QString());

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_search, 1);
    bar->addWidget(m_modelCombo);
    bar->addWidget(m_reload);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addLayout(bar);
    layout->addWidget(m_splitter, 1);
    layout->addWidget(m_status);

    connect(m_search, &QLineEdit::textChanged, m_filter, &DictionaryFilterModel::setSearchText);
    connect(m_modelCombo, &QComboBox::currentIndexChanged, this,
            [this] { m_filter->setModelName(m_modelCombo->currentData().toString()); });
    connect(m_reload, &QPushButton::clicked, this, &DictionaryPage::reload);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &DictionaryPage::updateDetails);
    connect(m_model, &QAbstractItemModel::modelReset, this, &DictionaryPage::rebuildModelCombo);

    const QByteArray state = m_context.settings.value(QStringLiteral("dictionary/splitter")).toByteArray();
    if (!state.isEmpty())
        m_splitter->restoreState(state);
    connect(m_splitter, &QSplitter::splitterMoved, this, [this] {
        m_context.settings.setValue(QStringLiteral("dictionary/splitter"), m_splitter->saveState());
    });
    QHeaderView* header = m_table->horizontalHeader();
    const QByteArray columns = m_context.settings.value(QStringLiteral("dictionary/columns")).toByteArray();
    if (!columns.isEmpty())
        header->restoreState(columns);
    connect(header, &QHeaderView::sectionResized, this, [this, header] {
        m_context.settings.setValue(QStringLiteral("dictionary/columns"), header->saveState());
    });
    retranslateUi();
}

DictionaryPage::~DictionaryPage() = default;

void DictionaryPage::retranslateUi()
{
    m_title->setText(tr("Dictionary: every field of every model"));
    m_search->setPlaceholderText(tr("Search fields, types and descriptions…"));
    m_reload->setText(tr("Reload"));
    m_modelCombo->setItemText(0, tr("All models"));
    m_model->retranslate();
    if (m_pending > 0)
        m_status->setText(tr("Loading…"));
    else if (!m_failed.isEmpty())
        m_status->setText(tr("Could not read: %1").arg(m_failed.join(QStringLiteral(", "))));
    else if (m_loadedOnce)
        m_status->setText(
            tr("%n field(s) in %1 model(s)", nullptr, m_model->rowCount()).arg(m_model->models().size()));
    else
        m_status->clear();
    updateDetails();
}

void DictionaryPage::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

void DictionaryPage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    // Models come and go: a glossary older than a minute is read again when shown.
    if (m_pending == 0 && (!m_loadedOnce || !m_loadedAt.isValid() || m_loadedAt.hasExpired(60000)))
        reload();
}

void DictionaryPage::reload()
{
    const int generation = ++m_generation;
    m_pending = 1;
    m_failed.clear();
    m_reload->setEnabled(false);
    retranslateUi();
    QUrlQuery query; // offline models too: their descriptors are kept
    query.addQueryItem(QStringLiteral("include"), QStringLiteral("offline"));
    m_context.api.get(
        QStringLiteral("/api/v1/models"), this,
        [this, generation](const ApiResult& result) {
            if (generation != m_generation)
                return;
            if (!result.ok()) {
                m_pending = 0;
                m_reload->setEnabled(true);
                m_status->setText(ErrorText::forResult(result));
                return;
            }
            QStringList names;
            for (const QJsonValue& value : result.json.value(QStringLiteral("models")).toArray())
                names.append(value.toObject().value(QStringLiteral("name")).toString());
            names.removeAll(QString());
            // Models that went away leave the glossary.
            for (const QString& known : m_model->models())
                if (!names.contains(known))
                    m_model->removeModel(known);
            m_pending = int(names.size()) + 1;
            for (const QString& name : std::as_const(names))
                loadModel(name, generation);
            finishOne(generation);
        },
        query);
}

void DictionaryPage::loadModel(const QString& name, int generation)
{
    m_context.api.get(QStringLiteral("/api/v1/models/") + QString::fromUtf8(QUrl::toPercentEncoding(name)),
                      this, [this, name, generation](const ApiResult& result) {
                          if (generation != m_generation)
                              return;
                          if (!result.ok() || !m_model->setModelFromJson(result.json))
                              m_failed.append(name);
                          finishOne(generation);
                      });
}

void DictionaryPage::finishOne(int generation)
{
    if (generation != m_generation || --m_pending > 0)
        return;
    m_pending = 0;
    m_loadedOnce = true;
    m_loadedAt.start();
    m_reload->setEnabled(true);
    retranslateUi();
    if (!m_wantModel.isEmpty()) {
        const QString model = std::exchange(m_wantModel, {});
        const QString path = std::exchange(m_wantPath, {});
        if (selectField(model, path))
            emit fieldShown(model, path);
    }
    emit loaded();
}

void DictionaryPage::rebuildModelCombo()
{
    const QString current = m_modelCombo->currentData().toString();
    const QSignalBlocker blocker(m_modelCombo);
    m_modelCombo->clear();
    m_modelCombo->addItem(tr("All models"), QString());
    for (const QString& name : m_model->models())
        m_modelCombo->addItem(name, name);
    const int index = m_modelCombo->findData(current);
    m_modelCombo->setCurrentIndex(index < 0 ? 0 : index);
    m_filter->setModelName(m_modelCombo->currentData().toString());
}

void DictionaryPage::updateDetails()
{
    const QModelIndex current = m_filter->mapToSource(m_table->currentIndex());
    if (!current.isValid()) {
        m_details->setMarkdown(tr("Choose a field to read about it. The form's help links lead here."));
        return;
    }
    const DictionaryEntry& e = m_model->entry(current.row());
    QString text =
        QStringLiteral("### %1 · %2 · `%3`\n\n").arg(e.model, DictionaryModel::partText(e.part), e.path);
    text += tr("**Type:** `%1`").arg(e.type) + QStringLiteral("\n\n");
    const QString allowed = DictionaryModel::allowedText(e);
    if (!allowed.isEmpty())
        text += tr("**Allowed values:** %1").arg(allowed) + QStringLiteral("\n\n");
    text += (e.description.isEmpty() ? tr("No description.") : e.description) + QStringLiteral("\n\n");
    for (qsizetype i = 0; i < e.enumValues.size(); ++i) {
        const QString comment = e.enumComments.value(i);
        text += QStringLiteral("- `%1`%2\n")
                    .arg(e.enumValues[i], comment.isEmpty() ? QString() : QStringLiteral(" — ") + comment);
    }
    m_details->setMarkdown(text);
}

bool DictionaryPage::selectField(const QString& model, const QString& path)
{
    // Form paths carry indices and map parts ("points[1].x", "counts[0].value.x"): the glossary lists each
    // field once ("points.x", "counts.*.x"); an unknown tail falls back to the nearest known parent.
    static const QRegularExpression indexPattern(QStringLiteral("\\[[^\\]]*\\]"));
    QStringList parts = QString(path).remove(indexPattern).split(QLatin1Char('.'), Qt::SkipEmptyParts);
    for (qsizetype i = 1; i < parts.size(); ++i) {
        if (parts[i] != QLatin1String("value") && parts[i] != QLatin1String("key"))
            continue;
        const int mapRow = m_model->rowOf(model, parts.mid(0, i).join(QLatin1Char('.')));
        if (mapRow < 0 || !m_model->entry(mapRow).type.startsWith(QLatin1String("map<")))
            continue;
        if (parts[i] == QLatin1String("key")) {
            parts = parts.mid(0, i); // keys are described by the map itself
            break;
        }
        parts[i] = QStringLiteral("*");
    }
    int row = -1;
    while (!parts.isEmpty() && row < 0) {
        row = m_model->rowOf(model, parts.join(QLatin1Char('.')));
        if (row < 0)
            parts.removeLast();
    }
    if (row < 0)
        return false;
    m_search->clear();
    m_modelCombo->setCurrentIndex(std::max(0, m_modelCombo->findData(model)));
    const QModelIndex index = m_filter->mapFromSource(m_model->index(row, DictionaryModel::PathColumn));
    if (!index.isValid())
        return false;
    m_table->setCurrentIndex(index);
    m_table->selectRow(index.row());
    m_table->scrollTo(index, QAbstractItemView::PositionAtCenter);
    updateDetails();
    return true;
}

void DictionaryPage::showField(const QString& model, const QString& path)
{
    if (selectField(model, path)) {
        emit fieldShown(model, path);
        return;
    }
    // Not known yet: load, then show it.
    m_wantModel = model;
    m_wantPath = path;
    if (m_pending == 0)
        reload();
}

} // namespace mmf::studio
