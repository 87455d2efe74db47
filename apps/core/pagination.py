from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Page-number pagination; ``rows`` matches the CLI's ``-r/--rows``."""

    page_size = 50
    page_size_query_param = "rows"
    max_page_size = 1000
