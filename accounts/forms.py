"""Forms of the account pages: a note on an account, and the CSV upload of the import page,
which checks the file before anything is stored."""

from django import forms

from accounts.csv_io.formats import (
    FORMATS,
    MAX_FILE_BYTES,
    MAX_FILE_LABEL,
    CsvFileError,
    check_upload,
)
from accounts.models import ImportJob


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label="What the file holds", choices=ImportJob.Kind.choices)
    file = forms.FileField(
        label="CSV file",
        help_text=(
            f"UTF-8, comma- or semicolon-separated, with a header row; at most {MAX_FILE_LABEL}."
        ),
        error_messages={
            "required": "Choose a CSV file to upload.",
            "empty": "The file is empty: it needs a header row and at least one row of data.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean(self):
        cleaned = super().clean()
        upload, kind = cleaned.get("file"), cleaned.get("kind")
        if upload is None or kind not in FORMATS:
            return cleaned
        if upload.size > MAX_FILE_BYTES:
            size = upload.size / (1024 * 1024)
            self.add_error(
                "file",
                f"The file is {size:.1f} MB; the limit is {MAX_FILE_LABEL}. "
                "Split it into several files and import them one after the other.",
            )
            return cleaned
        try:
            table = check_upload(upload.read(), kind)
        except CsvFileError as error:
            self.add_error("file", str(error))
            return cleaned
        cleaned["content"] = table.text
        cleaned["filename"] = upload.name or "upload.csv"
        return cleaned


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Add a note",
        max_length=10000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "What happened? Calls, risks, wins…"}
        ),
    )
