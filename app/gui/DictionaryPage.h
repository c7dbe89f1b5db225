#pragma once

#include "core/StudioContext.h"

#include <QElapsedTimer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSplitter;
class QTableView;
class QTextBrowser;

namespace mmf::studio {

class DictionaryFilterModel;
class DictionaryModel;

// The glossary: every field of every known model's request and response with its type, allowed values and
// the description from the proto comments, searchable. Loads the models (GET /api/v1/models?include=offline,
// then each model's descriptors) when shown (again when the last load is over a minute old) and on "Reload";
// a model whose descriptors fail is skipped and named in the status line.
class DictionaryPage : public QWidget
{
    Q_OBJECT
public:
    DictionaryPage(StudioContext& context, QWidget* parent = nullptr);
    ~DictionaryPage() override;

    DictionaryModel& dictionary() { return *m_model; }
    bool isLoading() const { return m_pending > 0; }

public slots:
    void reload();
    // Shows one field: clears the search and selects its row, then emits fieldShown (the main window brings
    // the page to the front). Loads first when the model is not known yet; no signal when the field stays
    // unknown.
    void showField(const QString& model, const QString& path);

signals:
    void loaded();
    void fieldShown(const QString& model, const QString& path);

protected:
    void changeEvent(QEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void retranslateUi();
    void loadModel(const QString& name, int generation);
    void finishOne(int generation);
    void rebuildModelCombo();
    void updateDetails();
    bool selectField(const QString& model, const QString& path);

    StudioContext& m_context;
    DictionaryModel* m_model;
    DictionaryFilterModel* m_filter;
    QLabel* m_title;
    QLineEdit* m_search;
    QComboBox* m_modelCombo;
    QPushButton* m_reload;
    QSplitter* m_splitter;
    QTableView* m_table;
    QTextBrowser* m_details;
    QLabel* m_status;
    QStringList m_failed;
    int m_pending = 0;
    int m_generation = 0;
    bool m_loadedOnce = false;
    QElapsedTimer m_loadedAt;
    QString m_wantModel;
    QString m_wantPath;
};

} // namespace mmf::studio
