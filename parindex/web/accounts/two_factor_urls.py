from django.urls import path

from parindex.web.accounts import two_factor

app_name = "two_factor"
urlpatterns = [
    path("", two_factor.status, name="status"),
    path("setup/", two_factor.setup, name="setup"),
    path("codes/", two_factor.new_codes, name="codes"),
    path("verify/", two_factor.verify, name="verify"),
]
