#include "gui/ModelsPage.h"

#include "core/ErrorText.h"
#include "core/FormModel.h"
#include "core/ModelListModel.h"
#include "core/ModelSchema.h"
#include "core/StudioContext.h"
#include "gui/BusyBar.h"

#include <QEvent>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace mmf::studio {

namespace {

QString kindName(const FormField& field)
{
    QString name;
    switch (field.kind) {
    case FormField::Bool:
        name = QStringLiteral("bool");
        break;
    case FormField::Int32:
        name = QStringLiteral("int32");
        break;
    case FormField::Int64:
        name = QStringLiteral("int64");
        break;
    case FormField::UInt32:
        name = QStringLiteral("uint32");
        break;
    case FormField::UInt64:
        name = QStringLiteral("uint64");
        break;
    case FormField::Float:
        name = QStringLiteral("float");
        break;
    case FormField::Double:
        name = QStringLiteral("double");
        break;
    case FormField::String:
        name = QStringLiteral("string");
        break;
    case FormField::Bytes:
        name = QStringLiteral("bytes");
        break;
    case FormField::Enum:
    case FormField::Message:
        name = field.typeName.section(QLatin1Char('.'), -1);
        break;
    case FormField::Timestamp:
        name = QStringLiteral("Timestamp");
        break;
    case FormField::Duration:
        name = QStringLiteral("Duration");
        break;
    case FormField::Json:
        name = field.typeName.section(QLatin1Char('.'), -1);
        break;
    case FormField::Oneof:
        name = QStringLiteral("oneof");
        break;
    }
    if (field.isMap)
        name = QStringLiteral("map<%1, %2>").arg(kindName(field.children[0]), kindName(field.children[1]));
    else if (field.repeated)
        name = QStringLiteral("repeated ") + name;
    else if (field.hasPresence)
        name = QStringLiteral("optional ") + name;
    return name;
}

void fill(QTreeWidgetItem* parent, QTreeWidget* tree, const std::vector<FormField>& fields)
{
    for (const FormField& field : fields) {
        auto* item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(tree);
        item->setText(0, field.name);
        item->setText(1, kindName(field));
        item->setText(2, field.help);
        item->setToolTip(2, field.help);
        if (field.kind == FormField::Message && !field.isMap)
            fill(item, tree, field.children);
        else if (field.kind == FormField::Oneof)
            fill(item, tree, field.children);
    }
}

QTreeWidget* makeTree(QWidget* parent, const QString& name)
{
    auto* tree = new QTreeWidget(parent);
    tree->setObjectName(name);
    tree->setAlternatingRowColors(true);
    tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    tree->header()->setStretchLastSection(true);
    return tree;
}

} // namespace

ModelsPage::ModelsPage(StudioContext& context, ModelListModel& models, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_models(models)
{
    setObjectName(QStringLiteral("modelsPage"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->setSpacing(8);

    auto* bar = new QHBoxLayout;
    auto* title = new QLabel(this);
    bindText([=] { title->setText(tr("<h3>Live models</h3>")); });
    bar->addWidget(title);
    bar->addStretch();
    m_busy = new BusyBar(this);
    bar->addWidget(m_busy);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("modelFilter"));
    bindText([this] { m_filter->setPlaceholderText(tr("Filter by name or project")); });
    m_filter->setClearButtonEnabled(true);
    m_filter->setMaximumWidth(260);
    bar->addWidget(m_filter);
    m_refresh = new QPushButton(style()->standardIcon(QStyle::SP_BrowserReload), QString(), this);
    bindText([this] { m_refresh->setText(tr("Refresh")); });
    m_refresh->setObjectName(QStringLiteral("refreshModelsButton"));
    bar->addWidget(m_refresh);
    layout->addLayout(bar);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    m_stack = new QStackedWidget(splitter);
    m_empty = new QLabel(m_stack);
    m_empty->setObjectName(QStringLiteral("modelsEmptyLabel"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_stack->addWidget(m_empty);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(&m_models);
    m_proxy->setSortRole(ModelListModel::SortRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1);
    m_table = new QTableView(m_stack);
    m_table->setObjectName(QStringLiteral("modelsTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ModelListModel::NameColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_stack->addWidget(m_table);

    auto* schemaBox = new QGroupBox(splitter);
    bindText([=] { schemaBox->setTitle(tr("Schema")); });
    auto* schemaLayout = new QVBoxLayout(schemaBox);
    auto* schemaBar = new QHBoxLayout;
    m_schemaTitle = new QLabel(schemaBox);
    bindText([this] {
        if (m_schemaFor.isEmpty())
            m_schemaTitle->setText(tr("Select a model to see its request and response."));
    });
    m_schemaTitle->setObjectName(QStringLiteral("schemaTitle"));
    m_schemaTitle->setWordWrap(true);
    schemaBar->addWidget(m_schemaTitle, 1);
    m_details = new QPushButton(style()->standardIcon(QStyle::SP_FileDialogInfoView), QString(), schemaBox);
    bindText([this] { m_details->setText(tr("Details")); });
    m_details->setObjectName(QStringLiteral("detailsButton"));
    m_submit = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), QString(), schemaBox);
    bindText([this] { m_submit->setText(tr("Submit a task…")); });
    m_submit->setObjectName(QStringLiteral("submitModelButton"));
    schemaBar->addWidget(m_details);
    schemaBar->addWidget(m_submit);
    schemaLayout->addLayout(schemaBar);
    auto* tabs = new QTabWidget(schemaBox);
    m_requestTree = makeTree(tabs, QStringLiteral("requestSchemaTree"));
    m_responseTree = makeTree(tabs, QStringLiteral("responseSchemaTree"));
    tabs->addTab(m_requestTree, QString());
    tabs->addTab(m_responseTree, QString());
    bindText([this, tabs] {
        tabs->setTabText(0, tr("Request"));
        tabs->setTabText(1, tr("Response"));
        for (QTreeWidget* tree : {m_requestTree, m_responseTree})
            tree->setHeaderLabels({tr("Field"), tr("Type"), tr("Description")});
    });
    schemaLayout->addWidget(tabs, 1);
    splitter->addWidget(m_stack);
    splitter->addWidget(schemaBox);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);

    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_refresh, &QPushButton::clicked, &m_models, &ModelListModel::refresh);
    connect(&m_models, &ModelListModel::loadingChanged, this, [this](bool loading) {
        m_busy->setVisible(loading);
        m_refresh->setEnabled(!loading);
        updateState();
    });
    connect(&m_models, &ModelListModel::modelReset, this, &ModelsPage::updateState);
    connect(&m_models, &ModelListModel::loadFailed, this, [this](const ApiResult& result) {
        m_empty->setText(tr("The models cannot be listed.\n%1").arg(ErrorText::forResult(result)));
        m_stack->setCurrentWidget(m_empty);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        const QString name = selectedModel();
        if (!name.isEmpty() && name != m_schemaFor)
            showSchema(name);
        m_submit->setEnabled(!name.isEmpty());
        m_details->setEnabled(!name.isEmpty());
    });
    connect(m_table, &QTableView::doubleClicked, this, [this] {
        if (!selectedModel().isEmpty())
            emit submitRequested(selectedModel());
    });
    connect(m_submit, &QPushButton::clicked, this, [this] { emit submitRequested(selectedModel()); });
    connect(m_details, &QPushButton::clicked, this, [this] { emit detailsRequested(selectedModel()); });
    m_submit->setEnabled(false);
    m_details->setEnabled(false);
    updateState();
}

void ModelsPage::bindText(std::function<void()> apply)
{
    apply();
    m_texts.push_back(std::move(apply));
}

void ModelsPage::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) {
        for (const auto& apply : m_texts)
            apply();
        emit m_models.headerDataChanged(Qt::Horizontal, 0, ModelListModel::ColumnCount - 1);
        updateState();
    }
    QWidget::changeEvent(event);
}

QString ModelsPage::selectedModel() const
{
    const QModelIndex index = m_table->selectionModel()->currentIndex();
    return index.isValid() ? index.data(ModelListModel::NameRole).toString() : QString();
}

void ModelsPage::selectModel(const QString& name)
{
    const int row = m_models.rowOf(name);
    if (row < 0)
        return;
    const QModelIndex index = m_proxy->mapFromSource(m_models.index(row, 0));
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                          QItemSelectionModel::Rows);
}

void ModelsPage::updateState()
{
    if (!m_schemaFor.isEmpty() && m_models.rowOf(m_schemaFor) < 0 && !m_models.isLoading()) {
        // The model shown went away.
        m_schemaFor.clear();
        m_requestTree->clear();
        m_responseTree->clear();
        m_schemaTitle->setText(tr("Select a model to see its request and response."));
        m_submit->setEnabled(false);
        m_details->setEnabled(false);
    }
    if (m_models.rowCount() > 0) {
        m_stack->setCurrentWidget(m_table);
        if (!m_schemaFor.isEmpty() && m_models.rowOf(m_schemaFor) >= 0 && selectedModel().isEmpty())
            selectModel(m_schemaFor);
        return;
    }
    if (m_models.isLoading())
        m_empty->setText(tr("Loading the models…"));
    else if (m_models.hasLoaded())
        m_empty->setText(
            tr("No models are live.\nStart a worker (mmf-worker --model echo) and it appears here."));
    else
        m_empty->setText(tr("Sign in to see the models."));
    m_stack->setCurrentWidget(m_empty);
}

void ModelsPage::showSchema(const QString& name)
{
    m_schemaFor = name;
    m_schemaTitle->setText(tr("Loading the schema of %1…").arg(name));
    m_requestTree->clear();
    m_responseTree->clear();
    ModelSchema::fetch(
        m_context.api, name, this,
        [this, name](Result<std::shared_ptr<const ModelSchema>> schema, const ApiResult& result) {
            if (name != m_schemaFor)
                return;
            if (!schema) {
                m_schemaTitle->setText(result.httpStatus == 404 ? tr("The model %1 is gone.").arg(name)
                                       : ErrorText::forResult(result).isEmpty()
                                           ? schema.error().message
                                           : ErrorText::forResult(result));
                return;
            }
            const QJsonObject json = (*schema)->json();
            m_schemaTitle->setText(tr("<b>%1</b> (project %2): %3 → %4")
                                       .arg(name, json.value(QLatin1String("project")).toString(),
                                            json.value(QLatin1String("request_type")).toString(),
                                            json.value(QLatin1String("response_type")).toString()));
            fill(nullptr, m_requestTree, FormModel::describe((*schema)->request()));
            fill(nullptr, m_responseTree, FormModel::describe((*schema)->response()));
            m_requestTree->expandToDepth(0);
            m_responseTree->expandToDepth(0);
        });
}

} // namespace mmf::studio
